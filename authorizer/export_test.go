package authorizer

// TokenCacheStats returns how many tokens the verified-token cache holds
// and how many answers it gave; -1, -1 when the cache is off.
func TokenCacheStats(a *Authorizer) (entries int, hits int64) {
	if a.tokens == nil {
		return -1, -1
	}
	return a.tokens.len(), a.tokens.hits.Load()
}
