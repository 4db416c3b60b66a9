package store

// TimelinePK is timelinePK, for the tests of the legacy migration.
const TimelinePK = timelinePK
