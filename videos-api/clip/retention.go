package clip

// Every clip and thumbnail object carries one S3 object tag, RetentionTag,
// that says whether the bucket's lifecycle rule may expire it: the rule
// filters on RetentionTag=RetentionStandard, so an object tagged
// RetentionKept (or not yet tagged) is never expired by it. Ingest tags new
// objects standard; keeping a clip tags its objects kept, un-keeping tags
// them standard again.
const (
	// RetentionTag is the object tag's key.
	RetentionTag = "retention"
	// RetentionStandard objects expire RETENTION_DAYS after upload.
	RetentionStandard = "standard"
	// RetentionKept objects are kept until un-kept or deleted.
	RetentionKept = "kept"
)
