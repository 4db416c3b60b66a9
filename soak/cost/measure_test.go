package cost_test

import (
	"context"
	"testing"

	"github.com/camvault/camvault/soak/cost"
)

// TestMeasure runs the measurement and checks the counts that must hold
// whatever the machine: a timeline page is one Query of at most 4 KB
// units (0.5 to 4 RCU) and writes nothing; /me touches no storage; a play
// reads one item and appends one activity entry at most, and signs its
// URLs without calling S3; ingest writes, heads the clip and thumbnail
// and at most tags them (PUT-class requests);
// an expiry writes the camera's count and nothing else is read but its
// newest clip; the authorizer's decision costs no storage (no grants
// table here).
func TestMeasure(t *testing.T) {
	u, err := cost.Measure(context.Background(), 3)
	if err != nil {
		t.Fatal(err)
	}
	page := u[cost.OpPage]
	if page.RCU < 0.5 || page.RCU > 4 || page.WCU != 0 || page.S3Get+page.S3Put != 0 {
		t.Errorf("page = %+v", page)
	}
	if me := u[cost.OpMe]; me.RCU+me.WCU+me.S3Get+me.S3Put != 0 {
		t.Errorf("me = %+v", me)
	}
	if play := u[cost.OpPlay]; play.RCU == 0 || play.RCU > 1 || play.S3Get+play.S3Put != 0 {
		t.Errorf("play = %+v", play)
	}
	if in := u[cost.OpIngest]; in.WCU == 0 || in.S3Get != 2 || in.S3Put > 2 || in.Invocations != 2 {
		t.Errorf("ingest = %+v", in)
	}
	if ex := u[cost.OpExpire]; ex.WCU < 1 || ex.RCU > 1 || ex.S3Get+ex.S3Put != 0 {
		t.Errorf("expire = %+v", ex)
	}
	if a := u[cost.OpAuthorize]; a.RCU+a.WCU != 0 || a.LogBytes == 0 || a.BilledMs < 1 {
		t.Errorf("authorize = %+v", a)
	}
	for name, op := range u {
		if op.MemoryMB == 0 || op.BilledMs < 1 || op.Invocations < 1 {
			t.Errorf("%s: %+v", name, op)
		}
	}
}
