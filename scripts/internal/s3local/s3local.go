// Package s3local builds S3 clients for S3 stand-ins on loopback: the local
// stack's embedded S3 and gofakes3 in tests. They take any credentials, so
// the client signs with static dummy ones, in us-east-1, path-style.
package s3local

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// New returns an S3 client for the S3 API at endpoint (e.g. the s3Url of
// local.json).
func New(endpoint string) *s3.Client {
	return s3.New(s3.Options{
		BaseEndpoint: aws.String(endpoint),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("camvault-local", "camvault-local", ""),
		UsePathStyle: true,
		// Stand-ins need not speak the SDK's trailing-checksum encoding.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
}
