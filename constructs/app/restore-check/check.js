// The weekly restore check (constructs/app/restore-check.ts), run by mongosh in the check container:
// restores the newest finished backup into the pod's own one-member replica set with PBM, compares
// it with the backup's metadata, and serves the result on :PORT for Prometheus until it exits.
// mongosh gives Node's built-in modules through require(); nothing here reaches the live database.
const { execFile } = require('child_process');
const fs = require('fs');
const http = require('http');

const PORT = Number(process.env.METRICS_PORT);
const LINGER_MS = Number(process.env.LINGER_SECONDS) * 1000;
const LOCAL = 'mongodb://127.0.0.1:27017/?directConnection=true';
const SYSTEM_DBS = ['admin', 'config', 'local'];
// Documents Rocket.Chat itself writes once, on its first start: the workspace id and the bot user.
const SENTINELS = [
  { db: 'rocketchat', coll: 'rocketchat_settings', filter: { _id: 'uniqueID' } },
  { db: 'rocketchat', coll: 'users', filter: { _id: 'rocket.cat' } },
];

const metrics = { running: 1, success: 0, restore_seconds: 0, backup_bytes: 0, backup_uncompressed_bytes: 0, restored_bytes: 0, collections: 0, documents: 0, backup_timestamp_seconds: 0 };
const server = http.createServer((req, res) => {
  res.setHeader('Content-Type', 'text/plain; version=0.0.4');
  res.end(Object.entries(metrics).map(([k, v]) => `mongodb_restore_check_${k} ${v}`).join('\n') + '\n');
});
server.listen(PORT);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line) => print(`${new Date().toISOString()} ${line}`);
const pbm = (...args) =>
  new Promise((resolve, reject) =>
    execFile('pbm', args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => (err ? reject(new Error(`pbm ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout))),
  );

async function until(what, seconds, attempt) {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    try {
      const value = await attempt();
      if (value) return value;
    } catch (e) {
      if (Date.now() > end) throw new Error(`${what}: ${e.message}`, { cause: e });
    }
    if (Date.now() > end) throw new Error(`${what}: not within ${seconds} s`);
    await sleep(5000);
  }
}

async function check() {
  // Azure: the copy container brings the backup into this pod's volume first (it signals when done).
  // A copy that failed says so (.failed): the check ends then, not when the 6 h wait runs out.
  if (process.env.WAIT_FOR) {
    const copy = await until('backup copy', 6 * 3600, () => (fs.existsSync(process.env.WAIT_FOR) ? 'copied' : process.env.WAIT_FAILED && fs.existsSync(process.env.WAIT_FAILED) ? 'failed' : false));
    if (copy === 'failed') throw new Error('backup copy failed: see the log of the copy container');
  }
  const client = await until('mongod', 900, () => {
    const c = new Mongo(LOCAL);
    c.getDB('admin').runCommand({ ping: 1 });
    return c;
  });
  const admin = client.getDB('admin');
  // rs0, the name the backup was taken from: PBM restores a replica set into one of the same name.
  const hello = admin.runCommand({ hello: 1 });
  if (!hello.setName || !hello.hosts) admin.runCommand({ replSetInitiate: { _id: process.env.REPLSET, members: [{ _id: 0, host: '127.0.0.1:27017' }] } });
  await until('primary', 300, () => admin.runCommand({ hello: 1 }).isWritablePrimary);
  // Main storage: a local directory (the resync's marker file goes there). The backups: a profile, which PBM only reads.
  // An agent reads commands issued while it runs only: wait for its heartbeat, and bound every wait so a missed command is sent again.
  await until('pbm-agent', 900, () => admin.getCollection('pbmAgents').findOne());
  await until('pbm config', 900, () => pbm('config', '--file', '/check/main.yaml', '--wait', '--wait-time', '2m'));
  await until('pbm profile', 1800, () => pbm('profile', 'add', 'store', '/check/profile.yaml', '--sync', '--wait', '--wait-time', '10m'));
  // pbm list hides a backup whose featureCompatibilityVersion differs from this mongod's (PBM 2.12 cmd/pbm/backup.go
  // bcpMatchCluster), e.g. while the live set runs new binaries at the old FCV: take the newest backup's FCV from the
  // metadata the resync wrote here, and set this throwaway mongod to it first.
  const newest = admin.getCollection('pbmBackups').find({ status: 'done', type: 'logical' }).sort({ name: -1 }).limit(1).toArray()[0];
  const current = admin.runCommand({ getParameter: 1, featureCompatibilityVersion: 1 }).featureCompatibilityVersion?.version;
  if (newest?.fcv && newest.fcv !== current) {
    log(`setting featureCompatibilityVersion ${current} -> ${newest.fcv}, the FCV of backup ${newest.name}`);
    const set = admin.runCommand({ setFeatureCompatibilityVersion: newest.fcv, confirm: true });
    if (!set.ok) throw new Error(`setFeatureCompatibilityVersion ${newest.fcv} (backup ${newest.name}): ${set.errmsg}`);
  }
  const list = JSON.parse(await pbm('list', '-o', 'json'));
  const done = (list.snapshots ?? []).filter((s) => s.status === 'done' && s.type === 'logical').map((s) => s.name).sort();
  const name = done[done.length - 1];
  if (!name) throw new Error(`no finished logical backup in the store (pbm list: ${JSON.stringify(list.snapshots ?? [])})`);
  const desc = JSON.parse(await pbm('describe-backup', name, '--with-collections', '-o', 'json'));
  metrics.backup_bytes = desc.size ?? 0;
  metrics.backup_uncompressed_bytes = desc.size_uncompressed ?? 0;
  metrics.backup_timestamp_seconds = desc.last_write_ts ?? 0;
  log(`restoring ${name} (${desc.size_uncompressed_h ?? '?'})`);
  const started = Date.now();
  await pbm('restore', name, '--wait');
  metrics.restore_seconds = Math.round((Date.now() - started) / 1000);

  // What the backup's metadata lists (PBM keeps collection names and sizes there, no document counts).
  const expected = new Set((desc.replsets ?? []).flatMap((r) => r.collections ?? []).filter((ns) => !SYSTEM_DBS.includes(ns.split('.')[0])));
  const restored = new Set();
  let documents = 0;
  let bytes = 0;
  for (const { name: dbName } of admin.runCommand({ listDatabases: 1, nameOnly: true }).databases) {
    if (SYSTEM_DBS.includes(dbName)) continue;
    const db = client.getDB(dbName);
    const stats = db.runCommand({ dbStats: 1 });
    bytes += (stats.dataSize ?? 0) + (stats.indexSize ?? 0);
    // Views and time series are namespaces of the backup too; only plain collections are counted.
    for (const c of db.getCollectionInfos()) {
      restored.add(`${dbName}.${c.name}`);
      if (c.type === 'collection') documents += db.getCollection(c.name).estimatedDocumentCount();
    }
  }
  metrics.collections = restored.size;
  metrics.documents = documents;
  metrics.restored_bytes = bytes;
  const missing = [...expected].filter((ns) => !restored.has(ns));
  if (expected.size === 0) throw new Error(`backup ${name} lists no collections`);
  if (missing.length > 0) throw new Error(`restored ${name} lacks ${missing.length} of its ${expected.size} collections: ${missing.slice(0, 10).join(', ')}`);
  for (const s of SENTINELS) {
    if (!client.getDB(s.db).getCollection(s.coll).findOne(s.filter)) throw new Error(`restored ${name} lacks ${s.db}.${s.coll} ${JSON.stringify(s.filter)}`);
  }
  log(`restored ${name}: ${restored.size} collections, ${documents} documents, ${bytes} bytes in ${metrics.restore_seconds} s`);
  metrics.success = 1;
}

let failed = false;
try {
  await check();
} catch (e) {
  failed = true;
  log(`restore check failed: ${e.message}`);
}
metrics.running = 0;
// Long enough for two scrapes: Prometheus keeps the last values of this run until the next one.
await sleep(LINGER_MS);
server.close();
quit(failed ? 1 : 0);
