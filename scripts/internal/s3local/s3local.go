// Package s3local builds S3 clients for S3 stand-ins on loopback: the local
// stack's embedded S3 (which checks SigV4 signatures against its keys) and
// gofakes3 in tests (which takes any), in us-east-1, path-style.
package s3local

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// New returns an S3 client for the S3 API at endpoint (e.g. gofakes3 in a
// test) with dummy credentials.
func New(endpoint string) *s3.Client {
	return WithKey(endpoint, "camvault-local", "camvault-local")
}

// WithKey returns an S3 client for the S3 API at endpoint signing with the
// given key (the local stack checks signatures: a camera's key from its
// camerasFile).
func WithKey(endpoint, accessKeyID, secret string) *s3.Client {
	return s3.New(s3.Options{
		BaseEndpoint: aws.String(endpoint),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(accessKeyID, secret, ""),
		UsePathStyle: true,
		// Stand-ins need not speak the SDK's trailing-checksum encoding.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
}
