package stream

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azeventhubs/v2"
	"github.com/Azure/go-amqp"
	"golang.org/x/sync/errgroup"
)

// EventHubsConfig locates an event hub and says how to authenticate: with a
// shared-access connection string, or, when ConnectionString is empty, with
// an Entra ID credential for Namespace (azidentity's default chain: the
// AZURE_* environment variables, a workload or managed identity, az login).
type EventHubsConfig struct {
	// ConnectionString is a shared-access connection string
	// ("Endpoint=sb://...;SharedAccessKeyName=...;SharedAccessKey=..."). An
	// EntityPath in it is ignored in favour of Hub.
	ConnectionString string
	// Namespace is the fully qualified namespace, e.g.
	// myns.servicebus.windows.net (taken from the connection string's
	// Endpoint when there is one).
	Namespace string
	// Hub is the event hub's name.
	Hub string
}

// String describes the target without the secret, so a configuration can
// be logged.
func (c EventHubsConfig) String() string {
	auth := "Entra ID"
	if c.ConnectionString != "" {
		auth = "connection string"
	}
	return fmt.Sprintf("event hub %q in %s (%s)", c.Hub, c.Namespace, auth)
}

// GoString is String: %#v must not print the secret either.
func (c EventHubsConfig) GoString() string { return c.String() }

const eventHubsSpecForms = "eventhubs, eventhubs://HUB or eventhubs://NAMESPACE.servicebus.windows.net/HUB"

const setConnString = "set AZURE_EVENTHUB_CONNECTION_STRING (or realtime.azure_connection_string)"

// ParseEventHubsSpec reads an Event Hubs sink:
//
//   - eventhubs: the connection string connString (from
//     realtime.azure_connection_string or AZURE_EVENTHUB_CONNECTION_STRING)
//     names the namespace, the key and, with its EntityPath, the hub;
//   - eventhubs://HUB: the same, sending to HUB whatever the EntityPath;
//   - eventhubs://NAMESPACE.servicebus.windows.net/HUB: Entra ID sign-in to
//     that namespace, without a connection string.
//
// Errors never include the connection string.
func ParseEventHubsSpec(spec string, connString string) (EventHubsConfig, error) {
	if spec == "eventhubs" {
		c, err := fromConnString(connString, "")
		if err != nil {
			return EventHubsConfig{}, err
		}
		if c.Hub == "" {
			return EventHubsConfig{}, errors.New("--sink eventhubs: the connection string has no EntityPath: name the hub with --sink eventhubs://HUB, or use the hub's own connection string")
		}
		return c, nil
	}
	u, err := url.Parse(spec)
	if err != nil || u.Scheme != "eventhubs" || u.Opaque != "" {
		return EventHubsConfig{}, fmt.Errorf("--sink %q: an Event Hubs sink is %s", redactSpec(spec), eventHubsSpecForms)
	}
	if u.User != nil {
		return EventHubsConfig{}, fmt.Errorf("--sink %q: credentials do not belong in the sink; %s, or sign in with Entra ID", redactSpec(spec), setConnString)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return EventHubsConfig{}, fmt.Errorf("--sink %q: an Event Hubs sink takes no options; it is %s", redactSpec(spec), eventHubsSpecForms)
	}
	if u.Host == "" {
		return EventHubsConfig{}, fmt.Errorf("--sink %q: name the hub, e.g. eventhubs://retail-events (or use %s)", spec, eventHubsSpecForms)
	}
	path := strings.Trim(u.Path, "/")
	if path == "" {
		// eventhubs://HUB: the namespace and key come from the connection
		// string.
		if !validHubName(u.Host) {
			return EventHubsConfig{}, fmt.Errorf("--sink %q: %q is not an event hub name (letters, digits, periods, hyphens and underscores)", spec, u.Host)
		}
		return fromConnString(connString, u.Host)
	}
	if strings.Contains(path, "/") {
		return EventHubsConfig{}, fmt.Errorf("--sink %q: name one hub after the namespace, e.g. eventhubs://myns.servicebus.windows.net/retail-events", spec)
	}
	if !validHubName(path) {
		return EventHubsConfig{}, fmt.Errorf("--sink %q: %q is not an event hub name (letters, digits, periods, hyphens and underscores)", spec, path)
	}
	if !strings.Contains(u.Hostname(), ".") {
		return EventHubsConfig{}, fmt.Errorf("--sink %q: give the fully qualified namespace, e.g. eventhubs://%s.servicebus.windows.net/%s", spec, u.Hostname(), path)
	}
	return EventHubsConfig{Namespace: u.Host, Hub: path}, nil
}

// fromConnString reads the namespace and hub of a connection string; hub,
// when not empty, overrides its EntityPath.
func fromConnString(connString, hub string) (EventHubsConfig, error) {
	if connString == "" {
		return EventHubsConfig{}, fmt.Errorf("eventhubs: no connection string: %s, or sign in with Entra ID using --sink eventhubs://NAMESPACE.servicebus.windows.net/HUB", setConnString)
	}
	props, err := azeventhubs.ParseConnectionString(connString)
	if err != nil {
		// The SDK's messages name keys, never values.
		return EventHubsConfig{}, fmt.Errorf("eventhubs: the connection string (AZURE_EVENTHUB_CONNECTION_STRING or realtime.azure_connection_string) is malformed: %w; copy it from the hub's or namespace's shared access policies", err)
	}
	c := EventHubsConfig{ConnectionString: connString, Namespace: props.FullyQualifiedNamespace, Hub: hub}
	if c.Hub == "" && props.EntityPath != nil {
		c.Hub = *props.EntityPath
	}
	return c, nil
}

// validHubName checks the characters Event Hubs allows in a hub's name.
func validHubName(name string) bool {
	if name == "" || len(name) > 256 {
		return false
	}
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
		default:
			return false
		}
	}
	return true
}

// redactSpec hides a password typed into a sink URL.
func redactSpec(spec string) string {
	u, err := url.Parse(spec)
	if err != nil {
		if strings.Contains(spec, "@") {
			return "eventhubs://(redacted)"
		}
		return spec
	}
	return u.Redacted()
}

// withoutEntityPath drops the EntityPath of a connection string: the SDK
// refuses a hub name alongside one.
func withoutEntityPath(connString string) string {
	parts := strings.Split(connString, ";")
	kept := parts[:0]
	for _, p := range parts {
		k, _, _ := strings.Cut(p, "=")
		if !strings.EqualFold(strings.TrimSpace(k), "EntityPath") {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, ";")
}

// ehConcurrency bounds the partition-key batches in flight at once: each
// waits for the service's acknowledgement, so sending several keys'
// batches together keeps the link busy. A key's batches are sent one
// after the other, which keeps its events in order.
const ehConcurrency = 16

// EventHubsSink sends events to an event hub through the Event Hubs SDK.
// Each event is one EventData whose body is the JSON envelope (content
// type application/json, application property event_type, message id the
// event id); the events of a batch are grouped by partition key, so a
// store's events land on one partition in order. A batch is acknowledged
// when every EventDataBatch of it is.
type EventHubsSink struct {
	client    *azeventhubs.ProducerClient
	cfg       EventHubsConfig
	maxEvents int
	now       func() time.Time

	// Scratch reused by Send (Send is not called concurrently).
	groups map[string]*ehGroup
	order  []*ehGroup
	gen    uint64
	buf    []byte
	key    []byte
	props  map[string]any
	// contentType is application/json (EventData takes a pointer).
	contentType string
}

// ehGroup collects one partition key's events of a batch.
type ehGroup struct {
	key     string
	gen     uint64
	events  []int // positions in the batch, in order
	batches []*azeventhubs.EventDataBatch
}

// NewEventHubsSink connects to the hub and checks that it can send there
// (credentials, namespace and hub name), so a mistake shows at start.
// maxBatchEvents > 0 caps the events of one EventDataBatch; the size is
// always capped by the hub's maximum message size.
func NewEventHubsSink(ctx context.Context, c EventHubsConfig, maxBatchEvents int) (*EventHubsSink, error) {
	if c.Hub == "" {
		return nil, errors.New("eventhubs: no event hub named: use --sink eventhubs://HUB or a connection string with an EntityPath")
	}
	opts := &azeventhubs.ProducerClientOptions{ApplicationID: "retail-datagen"}
	var (
		client *azeventhubs.ProducerClient
		err    error
	)
	switch {
	case c.ConnectionString != "":
		client, err = azeventhubs.NewProducerClientFromConnectionString(withoutEntityPath(c.ConnectionString), c.Hub, opts)
		if err != nil {
			return nil, fmt.Errorf("eventhubs: the connection string (AZURE_EVENTHUB_CONNECTION_STRING or realtime.azure_connection_string) is not usable: %w", err)
		}
	case c.Namespace != "":
		cred, cerr := azidentity.NewDefaultAzureCredential(nil)
		if cerr != nil {
			return nil, fmt.Errorf("eventhubs: no Entra ID credential for %s (sign in with az login, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET; or %s): %w", c.Namespace, setConnString, cerr)
		}
		client, err = azeventhubs.NewProducerClient(c.Namespace, c.Hub, cred, opts)
		if err != nil {
			return nil, fmt.Errorf("eventhubs: %s: %w", c.Namespace, err)
		}
	default:
		return nil, fmt.Errorf("eventhubs: no connection string and no namespace: %s, or use --sink eventhubs://NAMESPACE.servicebus.windows.net/HUB", setConnString)
	}
	// Creating a batch opens the sending link: it authenticates and finds
	// the hub, without needing more than send rights.
	if _, err := client.NewEventDataBatch(ctx, nil); err != nil {
		_ = client.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("eventhubs: cannot send to %s: %w%s", c, err, eventHubsHint(err, c))
	}
	return &EventHubsSink{
		client:    client,
		cfg:       c,
		maxEvents: max(0, maxBatchEvents),
		now:       time.Now,
		groups:    map[string]*ehGroup{},
		props:     map[string]any{},

		contentType: "application/json",
	}, nil
}

// eventHubsHint suggests a fix for a connection failure.
func eventHubsHint(err error, c EventHubsConfig) string {
	var ehErr *azeventhubs.Error
	if errors.As(err, &ehErr) && ehErr.Code == azeventhubs.ErrorCodeUnauthorizedAccess {
		if c.ConnectionString != "" {
			return " (check the connection string's key, and that its policy has Send rights)"
		}
		return " (check that the signed-in identity has the Azure Event Hubs Data Sender role on the hub)"
	}
	var amqpErr *amqp.Error
	if errors.As(err, &amqpErr) && amqpErr.Condition == amqp.ErrCondNotFound {
		return fmt.Sprintf(" (check that the event hub %q exists in %s)", c.Hub, c.Namespace)
	}
	// azidentity's sign-in failures are marked non-retriable.
	var signIn interface {
		error
		NonRetriable()
	}
	if c.ConnectionString == "" && errors.As(err, &signIn) {
		return " (Entra ID sign-in failed: use az login, set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET, or run with a managed identity)"
	}
	return ""
}

// rejectedForGood tells whether the service refused a batch for its
// content (too large, undecodable), which sending it again cannot fix.
// Authentication and missing-hub errors are not: they are configuration
// errors the resilience layer keeps retrying while the stream pauses.
func rejectedForGood(err error) bool {
	var amqpErr *amqp.Error
	if !errors.As(err, &amqpErr) {
		return false
	}
	switch amqpErr.Condition {
	case amqp.ErrCondMessageSizeExceeded, amqp.ErrCondDecodeError:
		return true
	}
	return false
}

// Send groups the batch by partition key, packs each key's events into
// EventDataBatches (as many as the size limit and maxBatchEvents need) and
// sends them; several keys at once, each key's batches in order. Every
// EventDataBatch is filled before the first is sent, so an event too large
// for the hub is reported (as a PermanentError) before anything is sent.
func (s *EventHubsSink) Send(ctx context.Context, batch []*Event) error {
	s.gen++
	s.order = s.order[:0]
	for i, e := range batch {
		s.key = e.AppendPartitionKey(s.key[:0])
		g := s.groups[string(s.key)]
		if g == nil {
			g = &ehGroup{key: string(s.key)}
			s.groups[g.key] = g
		}
		if g.gen != s.gen {
			g.gen, g.events, g.batches = s.gen, g.events[:0], g.batches[:0]
			s.order = append(s.order, g)
		}
		g.events = append(g.events, i)
	}
	ingest := IngestTime(s.now())
	for _, g := range s.order {
		for _, i := range g.events {
			e := batch[i]
			s.buf = e.AppendJSON(s.buf[:0], ingest)
			s.props["event_type"] = e.Type()
			id := e.ID()
			if err := s.add(ctx, g, &azeventhubs.EventData{
				Body:        s.buf, // AddEventData encodes it at once: the buffer can be reused
				ContentType: &s.contentType,
				MessageID:   &id,
				Properties:  s.props,
			}, id); err != nil {
				return err
			}
		}
	}
	return s.sendGroups(ctx)
}

// SendRaw sends encoded events (dead letters being replayed), grouped by
// their keys like Send.
func (s *EventHubsSink) SendRaw(ctx context.Context, recs []RawRecord) error {
	s.gen++
	s.order = s.order[:0]
	for i := range recs {
		g := s.groups[string(recs[i].Key)]
		if g == nil {
			g = &ehGroup{key: string(recs[i].Key)}
			s.groups[g.key] = g
		}
		if g.gen != s.gen {
			g.gen, g.events, g.batches = s.gen, g.events[:0], g.batches[:0]
			s.order = append(s.order, g)
		}
		g.events = append(g.events, i)
	}
	for _, g := range s.order {
		for _, i := range g.events {
			if err := s.add(ctx, g, &azeventhubs.EventData{
				Body:        recs[i].Value,
				ContentType: &s.contentType,
			}, ""); err != nil {
				return err
			}
		}
	}
	return s.sendGroups(ctx)
}

// add puts an event into its key's last EventDataBatch, starting a new one
// when that one is full.
func (s *EventHubsSink) add(ctx context.Context, g *ehGroup, ed *azeventhubs.EventData, id string) error {
	if n := len(g.batches); n > 0 {
		b := g.batches[n-1]
		if s.maxEvents == 0 || int(b.NumEvents()) < s.maxEvents {
			err := b.AddEventData(ed, nil)
			if err == nil {
				return nil
			}
			if !errors.Is(err, azeventhubs.ErrEventDataTooLarge) {
				return fmt.Errorf("eventhubs: adding an event to a batch: %w", err)
			}
		}
	}
	b, err := s.client.NewEventDataBatch(ctx, &azeventhubs.EventDataBatchOptions{PartitionKey: &g.key})
	if err != nil {
		return fmt.Errorf("eventhubs: preparing a batch for %s: %w", s.cfg, err)
	}
	if err := b.AddEventData(ed, nil); err != nil {
		if errors.Is(err, azeventhubs.ErrEventDataTooLarge) {
			what := "an event"
			if id != "" {
				what = "event " + id
			}
			return &PermanentError{Err: fmt.Errorf("eventhubs: %s (%d bytes, partition key %s) is larger than the hub's maximum message size", what, len(ed.Body), g.key)}
		}
		return fmt.Errorf("eventhubs: adding an event to a batch: %w", err)
	}
	g.batches = append(g.batches, b)
	return nil
}

// sendGroups sends the prepared EventDataBatches: up to ehConcurrency keys
// at once, each key's batches one after the other.
func (s *EventHubsSink) sendGroups(ctx context.Context) error {
	eg, gctx := errgroup.WithContext(ctx)
	eg.SetLimit(ehConcurrency)
	for _, g := range s.order {
		eg.Go(func() error {
			for _, b := range g.batches {
				if err := s.client.SendEventDataBatch(gctx, b, nil); err != nil {
					if rejectedForGood(err) {
						return &PermanentError{Err: fmt.Errorf("eventhubs: %s rejected a batch of %d events (partition key %s): %w", s.cfg, b.NumEvents(), g.key, err)}
					}
					return fmt.Errorf("eventhubs: sending to %s: %w%s", s.cfg, err, eventHubsHint(err, s.cfg))
				}
			}
			return nil
		})
	}
	err := eg.Wait()
	for _, g := range s.order {
		clear(g.batches) // let the sent batches go
		g.batches = g.batches[:0]
	}
	return err
}

// Close disconnects.
func (s *EventHubsSink) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.client.Close(ctx); err != nil {
		return fmt.Errorf("eventhubs: closing: %w", err)
	}
	return nil
}
