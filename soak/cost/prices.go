package cost

// Prices are AWS list prices for one region on one date, in US dollars.
// Every number the estimate multiplies by is here, and only here.
type Prices struct {
	// Region and Date say where and when the prices were read; Sources
	// name the pages they were read from.
	Region, Date string
	Sources      []string

	// LambdaRequest is per invocation; LambdaGBSecond per GB-second of
	// billed duration on arm64 (Graviton), the first pricing tier.
	LambdaRequest, LambdaGBSecond float64
	// APIRequest is per REST API request (the first 333 million a month).
	APIRequest float64
	// DynamoRead is per read request unit, DynamoWrite per write request
	// unit (on-demand), DynamoGBMonth per GB-month of table storage.
	DynamoRead, DynamoWrite, DynamoGBMonth float64
	// S3Put is per PUT/COPY/POST/LIST request, S3Get per GET/HEAD/other
	// request, S3GBMonth per GB-month of S3 Standard (first 50 TB),
	// TransferOutGB per GB out to the internet (first 10 TB a month).
	S3Put, S3Get, S3GBMonth, TransferOutGB float64
	// LogsIngestGB is per GB of CloudWatch Logs ingested (standard class),
	// LogsGBMonth per GB-month archived.
	LogsIngestGB, LogsGBMonth float64
	// XRayTrace is per trace recorded.
	XRayTrace float64
	// SecretMonth is per Secrets Manager secret per month.
	SecretMonth float64
}

// USEast1 are the us-east-1 list prices read on 2026-12-01, without any
// free tier (the always-free Lambda, DynamoDB, transfer and X-Ray
// allowances would take small deployments lower).
var USEast1 = Prices{
	Region: "us-east-1",
	Date:   "2026-12-01",
	Sources: []string{
		"https://aws.amazon.com/lambda/pricing/",
		"https://aws.amazon.com/api-gateway/pricing/",
		"https://aws.amazon.com/dynamodb/pricing/on-demand/",
		"https://aws.amazon.com/s3/pricing/",
		"https://aws.amazon.com/cloudwatch/pricing/",
		"https://aws.amazon.com/xray/pricing/",
		"https://aws.amazon.com/secrets-manager/pricing/",
	},
	LambdaRequest:  0.20 / 1e6,
	LambdaGBSecond: 0.0000133334,
	APIRequest:     3.50 / 1e6,
	DynamoRead:     0.125 / 1e6,
	DynamoWrite:    0.625 / 1e6,
	DynamoGBMonth:  0.25,
	S3Put:          0.005 / 1000,
	S3Get:          0.0004 / 1000,
	S3GBMonth:      0.023,
	TransferOutGB:  0.09,
	LogsIngestGB:   0.50,
	LogsGBMonth:    0.03,
	XRayTrace:      5.00 / 1e6,
	SecretMonth:    0.40,
}
