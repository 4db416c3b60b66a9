// Package soak drives camvault's local stack with bounded load on loopback
// and checks every answer: no 5xx, no bad token admitted, no camera shown to
// someone not granted it, no viewer allowed to delete. cmd/soak runs it
// against the real camvault-local binary (make soak); the package's tests
// run a smaller load and the fault tests against the in-process stack.
package soak
