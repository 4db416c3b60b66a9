// Package dynalite runs dynalite, the DynamoDB-API server from npm, as a child
// process on a loopback port. The local stack uses it as its DynamoDB, and the
// tests of every module use it (through package dynalitetest) so that
// DynamoDB code is always exercised against a real DynamoDB API, never a mock.
//
// The dynalite binary is the one installed by `npm ci` at the repository root
// (node_modules/.bin/dynalite); DYNALITE_BIN overrides it.
package dynalite
