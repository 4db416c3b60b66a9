module github.com/camvault/camvault/scripts

go 1.26
