module github.com/camvault/camvault/dynalite

go 1.26
