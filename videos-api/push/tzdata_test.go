package push_test

// The tests need the zone database whatever the machine has.
import _ "time/tzdata"
