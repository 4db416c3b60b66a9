module github.com/camvault/camvault/authorizer

go 1.26
