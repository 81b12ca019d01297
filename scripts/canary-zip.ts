/**
 * Builds canaries/edge-probe.zip, the CloudWatch Synthetics package of canaries/edge-probe.cjs
 * (the file at nodejs/node_modules/edge-probe.js, as Node.js canaries require). The zip is
 * committed and shipped as a plain file asset: zipping at synth would spawn a node process per
 * AWS environment (cdktf's archive step), a third of a second of every synth. One stored entry
 * with a fixed timestamp, so the bytes depend on the script alone; a test rebuilds it and fails
 * when it differs (`npm run canary:zip` after changing the script).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

export const CANARY_SOURCE = join(__dirname, '..', 'canaries', 'edge-probe.cjs');
export const CANARY_ZIP = join(__dirname, '..', 'canaries', 'edge-probe.zip');
export const CANARY_ENTRY = 'nodejs/node_modules/edge-probe.js';

/** A zip of one stored (uncompressed) file: local header, data, central directory, end record. */
export function canaryZip(script: Buffer = readFileSync(CANARY_SOURCE)): Buffer {
  const name = Buffer.from(CANARY_ENTRY);
  const crc = crc32(script);
  // 1980-01-01 00:00 in DOS time/date: the earliest a zip can say, the same on every build.
  const [time, date] = [0, (0 << 9) | (1 << 5) | 1];
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed
  local.writeUInt16LE(0, 6); // flags
  local.writeUInt16LE(0, 8); // stored
  local.writeUInt16LE(time, 10);
  local.writeUInt16LE(date, 12);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(script.length, 18);
  local.writeUInt32LE(script.length, 22);
  local.writeUInt16LE(name.length, 26);
  local.writeUInt16LE(0, 28);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, 2.0
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0, 8);
  central.writeUInt16LE(0, 10);
  central.writeUInt16LE(time, 12);
  central.writeUInt16LE(date, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(script.length, 20);
  central.writeUInt32LE(script.length, 24);
  central.writeUInt16LE(name.length, 28);
  central.writeUInt32LE(0, 30); // extra, comment lengths
  central.writeUInt32LE(0, 34); // disk, internal attributes
  central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // -rw-r--r--
  central.writeUInt32LE(0, 42); // offset of the local header
  const centralStart = local.length + name.length + script.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(centralStart, 16);
  return Buffer.concat([local, name, script, central, name, end]);
}

if (require.main === module) {
  writeFileSync(CANARY_ZIP, canaryZip());
  console.log(`wrote ${CANARY_ZIP}`);
}
