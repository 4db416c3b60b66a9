module github.com/camvault/camvault/videos-api

go 1.26
