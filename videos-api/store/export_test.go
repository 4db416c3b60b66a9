package store

// TimelineReadAhead is timelineReadAhead, for the tests' cost bounds.
const TimelineReadAhead = timelineReadAhead
