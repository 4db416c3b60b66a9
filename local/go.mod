module github.com/camvault/camvault/local

go 1.26
