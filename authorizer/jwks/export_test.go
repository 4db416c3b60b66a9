package jwks

// KnownHeaders is the number of protected headers in the cache.
func (k *KeySet) KnownHeaders() int {
	if m := k.headers.Load(); m != nil {
		return len(*m)
	}
	return 0
}
