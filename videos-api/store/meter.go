package store

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Meter adds up the read capacity the Store's reads consume, for
// benchmarks and logs. Attach one to a context with WithMeter.
type Meter struct {
	mu       sync.Mutex
	units    float64
	requests int
}

type meterKey struct{}

// WithMeter returns a context whose Store reads add to m.
func WithMeter(ctx context.Context, m *Meter) context.Context {
	return context.WithValue(ctx, meterKey{}, m)
}

// Units returns the capacity units consumed so far.
func (m *Meter) Units() float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.units
}

// Requests returns how many reads were metered.
func (m *Meter) Requests() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.requests
}

// Reset sets the meter back to zero.
func (m *Meter) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.units, m.requests = 0, 0
}

func meterAdd(ctx context.Context, cc *ddbtypes.ConsumedCapacity) {
	m, _ := ctx.Value(meterKey{}).(*Meter)
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests++
	if cc != nil {
		m.units += aws.ToFloat64(cc.CapacityUnits)
	}
}
