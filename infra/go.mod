module github.com/camvault/camvault/infra

go 1.26
