module github.com/camvault/camvault/local

go 1.26

require (
	github.com/aws/aws-lambda-go v1.55.1
	github.com/camvault/camvault/videos-api v0.0.0
)

replace github.com/camvault/camvault/videos-api => ../videos-api
