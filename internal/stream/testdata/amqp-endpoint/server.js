'use strict';
// A minimal AMQP 1.0 endpoint that stands in for Azure Event Hubs in the
// tests of the Event Hubs sink. It speaks just enough of the service's
// protocol for the Go SDK (azeventhubs) to connect with a connection string
// ending in ";UseDevelopmentEmulator=true" (plain AMQP, no TLS):
//
//   - SASL ANONYMOUS;
//   - every attach is answered with the same source and target addresses
//     and settle modes, and a max-message-size; an attach to an entity
//     other than the hub (or its partitions, $cbs and $management) is
//     refused with amqp:not-found;
//   - $cbs token puts are accepted (status 200);
//   - $management READ of the event hub returns its name, creation time,
//     partition ids and geo-replication factor;
//   - batched deliveries (message format 0x80013700) are taken apart: each
//     data section of the outer message is one encoded event.
//
// Every event received is appended as one JSON line to OUTFILE:
//
//   {"address":..., "partition_key":..., "batch":<delivery number>,
//    "body":<the event body as a string>, "message_id":..., "content_type":...,
//    "properties":{...}, "bytes":<encoded size of the delivery>}
//
// before its delivery is accepted, so a sender that got the acceptance will
// find the line in the file.
//
// Usage:
//
//   node server.js [--port N] [--hub NAME] [--partitions N]
//                  [--max-message-size BYTES] [--reject CONDITION] OUTFILE
//
// It listens on 127.0.0.1 (port 0: any free port) and prints the port as the
// first line of standard output. --reject makes it reject every event
// delivery with that AMQP error condition (e.g.
// amqp:link:message-size-exceeded) instead of recording it. It exits when
// its standard input closes (the parent went away), or on SIGTERM/SIGINT.

const fs = require('fs');
const rhea = require('rhea');

const types = rhea.types;
const BATCH_FORMAT = 0x80013700;
const DATA_SECTION = 0x75;
const STR8 = 0xa1;

function usage(msg) {
  process.stderr.write(`amqp-endpoint: ${msg}\n` +
    'usage: node server.js [--port N] [--hub NAME] [--partitions N] ' +
    '[--max-message-size BYTES] [--reject CONDITION] OUTFILE\n');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = {
    port: 0,
    hub: 'retail-events',
    partitions: 4,
    maxMessageSize: 1024 * 1024,
    reject: '',
    out: '',
  };
  const number = (name, v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) usage(`${name} needs a non-negative integer, not ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case '--port': opts.port = number(a, value()); break;
      case '--hub': opts.hub = value(); break;
      case '--partitions': opts.partitions = number(a, value()); break;
      case '--max-message-size': opts.maxMessageSize = number(a, value()); break;
      case '--reject': opts.reject = value(); break;
      default:
        if (a.startsWith('-')) usage(`unknown option ${a}`);
        if (opts.out) usage('only one OUTFILE');
        opts.out = a;
    }
  }
  if (!opts.out) usage('name the OUTFILE that receives the events');
  if (opts.partitions < 1) usage('--partitions must be at least 1');
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const out = fs.openSync(opts.out, 'a');
const created = Date.now();
let deliveries = 0;

// Senders of this endpoint (the peer's receiving links), by the peer's
// address: RPC replies go to the message's reply_to.
const replyLinks = new Map();

function address(terminus) {
  return terminus && terminus.address !== undefined ? terminus.address : undefined;
}

// echoAttach answers an attach with the peer's own addresses and settle
// modes, which the SDK requires (otherwise it takes the link as refused).
function echoAttach(link) {
  const remote = link.remote.attach;
  link.set_source({ address: address(remote.source) });
  link.set_target({ address: address(remote.target) });
  link.local.attach.snd_settle_mode = remote.snd_settle_mode;
  link.local.attach.rcv_settle_mode = remote.rcv_settle_mode;
  // The size limit is the hub's; $cbs and $management take any request.
  const addr = address(remote.target);
  const hubLink = addr === opts.hub || (addr !== undefined && addr.startsWith(`${opts.hub}/Partitions/`));
  link.local.attach.max_message_size = hubLink ? opts.maxMessageSize : 1024 * 1024;
}

function reply(request, status, description, body) {
  const to = request.reply_to;
  const link = to === undefined ? undefined : replyLinks.get(to);
  if (!link) {
    process.stderr.write(`amqp-endpoint: no link to reply to ${to}\n`);
    return;
  }
  const msg = {
    correlation_id: request.message_id,
    application_properties: {
      'status-code': types.wrap_int(status),
      'status-description': description,
    },
  };
  if (body !== undefined) msg.body = body;
  link.send(msg);
}

function eventHubProperties() {
  const ids = [];
  for (let i = 0; i < opts.partitions; i++) ids.push(String(i));
  return types.wrap_map({
    name: opts.hub,
    created_at: types.wrap_timestamp(created),
    partition_ids: types.wrap_array(ids, STR8),
    georeplication_factor: types.wrap_int(1),
  });
}

function management(request) {
  const props = request.application_properties || {};
  if (props.operation === 'READ' && props.type === 'com.microsoft:eventhub') {
    if (props.name !== opts.hub) {
      reply(request, 404, `event hub ${props.name} not found`);
      return;
    }
    reply(request, 200, 'OK', eventHubProperties());
    return;
  }
  reply(request, 404, `operation ${props.operation} on ${props.type} is not supported by this endpoint`);
}

// bodyText gives an event's body as a string (data sections concatenated).
function bodyText(msg) {
  const b = msg.body;
  if (b && b.typecode === DATA_SECTION) {
    const parts = b.multiple ? b.content : [b.content];
    return Buffer.concat(parts.map((p) => Buffer.from(p))).toString('utf8');
  }
  if (Buffer.isBuffer(b)) return b.toString('utf8');
  return typeof b === 'string' ? b : JSON.stringify(b);
}

// eventsOf takes a delivery apart into its events.
function eventsOf(context) {
  if (context.format === undefined || context.format === 0) return [context.message];
  if (context.format !== BATCH_FORMAT) {
    throw new Error(`unexpected message format 0x${context.format.toString(16)}`);
  }
  const outer = rhea.message.decode(context.message);
  const b = outer.body;
  if (!b || b.typecode !== DATA_SECTION) throw new Error('batch without data sections');
  const sections = b.multiple ? b.content : [b.content];
  return sections.map((s) => rhea.message.decode(Buffer.from(s)));
}

function record(context) {
  const addr = address(context.receiver.remote.attach.target);
  const batch = ++deliveries;
  const bytes = Buffer.isBuffer(context.message) ? context.message.length : undefined;
  let lines = '';
  for (const m of eventsOf(context)) {
    const ann = m.message_annotations || {};
    lines += JSON.stringify({
      address: addr,
      partition_key: ann['x-opt-partition-key'] === undefined ? null : ann['x-opt-partition-key'],
      batch,
      body: bodyText(m),
      message_id: m.message_id === undefined ? null : String(m.message_id),
      content_type: m.content_type === undefined ? null : m.content_type,
      properties: m.application_properties || {},
      bytes,
    }) + '\n';
  }
  fs.writeSync(out, lines);
}

// Deliveries are accepted (or rejected) by the message handler, not by rhea.
const container = rhea.create_container({
  id: 'amqp-endpoint',
  receiver_options: { autoaccept: false },
});
container.sasl_server_mechanisms.enable_anonymous();

// known tells whether the endpoint has the entity an attach names.
function known(addr) {
  if (addr === '$cbs' || addr === '$management' || addr === opts.hub || addr === `${opts.hub}/$management`) return true;
  const prefix = `${opts.hub}/Partitions/`;
  if (addr === undefined || !addr.startsWith(prefix)) return false;
  const id = Number(addr.slice(prefix.length));
  return Number.isInteger(id) && id >= 0 && id < opts.partitions;
}

container.on('receiver_open', (context) => {
  // Credit is granted by rhea's default credit window.
  const link = context.receiver;
  const addr = address(link.remote.attach.target);
  if (!known(addr)) {
    // Like the service: the attach comes back without source and target
    // (a refusal), followed by a detach that says why.
    link.close({
      condition: 'amqp:not-found',
      description: `The messaging entity '${addr}' could not be found.`,
    });
    return;
  }
  echoAttach(link);
});

container.on('sender_open', (context) => {
  const link = context.sender;
  echoAttach(link);
  const to = address(link.remote.attach.target);
  if (to !== undefined) replyLinks.set(to, link);
});

function forget(link) {
  const to = address(link.remote.attach && link.remote.attach.target);
  if (to !== undefined && replyLinks.get(to) === link) replyLinks.delete(to);
}
container.on('sender_close', (context) => forget(context.sender));
container.on('disconnected', (context) => {
  for (const [to, link] of replyLinks) {
    if (link.connection === context.connection) replyLinks.delete(to);
  }
});

container.on('message', (context) => {
  const addr = address(context.receiver.remote.attach.target);
  try {
    if (addr === '$cbs') {
      reply(context.message, 200, 'OK');
      context.delivery.accept();
      return;
    }
    if (addr !== undefined && addr.endsWith('$management')) {
      management(context.message);
      context.delivery.accept();
      return;
    }
    if (opts.reject) {
      context.delivery.reject({
        condition: opts.reject,
        description: `rejected by the test endpoint (${opts.reject})`,
      });
      return;
    }
    record(context);
    context.delivery.accept();
  } catch (err) {
    process.stderr.write(`amqp-endpoint: ${err.stack || err}\n`);
    context.delivery.reject({ condition: 'amqp:decode-error', description: String(err.message || err) });
  }
});

container.on('error', (context) => {
  const err = context.error || context;
  process.stderr.write(`amqp-endpoint: ${err.stack || err}\n`);
});
container.on('connection_error', (context) => {
  process.stderr.write(`amqp-endpoint: connection error: ${context.connection.error}\n`);
});

const server = container.listen({ port: opts.port, host: '127.0.0.1' });
server.on('listening', () => {
  process.stdout.write(`${server.address().port}\n`);
});
server.on('error', (err) => {
  process.stderr.write(`amqp-endpoint: ${err.message}\n`);
  process.exit(1);
});

function stop() {
  server.close();
  fs.closeSync(out);
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
