// Reads what a test needs to know about an mp4, a JPEG or a PNG from its own bytes, so the media
// tests need no ffprobe: the mp4's box tree (ISO/IEC 14496-12) gives each track's codec, size and
// duration and the order of moov and mdat; a JPEG's SOF marker and a PNG's IHDR give their size.
import { readFileSync } from 'node:fs';

interface Box {
  type: string;
  /** The box's content, after its header. */
  body: Buffer;
}

/** The boxes one after another in `data` (a file, or the content of a container box). */
export function boxes(data: Buffer): Box[] {
  const out: Box[] = [];
  let at = 0;
  while (at + 8 <= data.length) {
    let size = data.readUInt32BE(at);
    const type = data.toString('latin1', at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      size = Number(data.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) size = data.length - at;
    if (size < header || at + size > data.length)
      throw new Error(`mp4: box '${type}' at ${at} overruns its parent`);
    out.push({ type, body: data.subarray(at + header, at + size) });
    at += size;
  }
  return out;
}

function child(box: Box, type: string): Box {
  const found = boxes(box.body).find((b) => b.type === type);
  if (!found) throw new Error(`mp4: no '${type}' box inside '${box.type}'`);
  return found;
}

/** A full box's (version, duration, timescale) for mvhd/mdhd, which share this layout. */
function timing(box: Box): { timescale: number; duration: number } {
  const version = box.body[0];
  return version === 1
    ? { timescale: box.body.readUInt32BE(20), duration: Number(box.body.readBigUInt64BE(24)) }
    : { timescale: box.body.readUInt32BE(12), duration: box.body.readUInt32BE(16) };
}

export interface Mp4Track {
  handler: string;
  /** The sample entry's format: avc1/avc3 (H.264), hvc1, mp4a (AAC and others)... */
  codec: string;
  width?: number;
  height?: number;
  /** For mp4a: the decoder's object type (0x40 is AAC). */
  audioObjectType?: number;
  durationSeconds: number;
}

export interface Mp4Info {
  /** Top-level box types in file order (faststart: moov before mdat). */
  topLevel: string[];
  durationSeconds: number;
  tracks: Mp4Track[];
}

function track(trak: Box): Mp4Track {
  const mdia = child(trak, 'mdia');
  const handler = child(mdia, 'hdlr').body.toString('latin1', 8, 12);
  const { timescale, duration } = timing(child(mdia, 'mdhd'));
  const stsd = child(child(child(mdia, 'minf'), 'stbl'), 'stsd');
  // stsd: version/flags (4), entry count (4), then the sample entries as boxes.
  const entry = boxes(stsd.body.subarray(8))[0];
  if (!entry) throw new Error('mp4: a track without a sample entry');
  const result: Mp4Track = { handler, codec: entry.type, durationSeconds: duration / timescale };
  if (handler === 'vide') {
    // VisualSampleEntry: 6 reserved + 2 data-reference index + 16 pre-defined/reserved, then width, height.
    result.width = entry.body.readUInt16BE(24);
    result.height = entry.body.readUInt16BE(26);
  }
  if (entry.type === 'mp4a') result.audioObjectType = audioObjectType(entry);
  return result;
}

/** An MPEG-4 descriptor's length: 1 to 4 bytes, 7 bits each, high bit meaning "more". */
function descriptorLength(data: Buffer, at: number): { length: number; next: number } {
  let length = 0;
  for (let i = 0; i < 4; i++) {
    const byte = data[at + i]!;
    length = (length << 7) | (byte & 0x7f);
    if ((byte & 0x80) === 0) return { length, next: at + i + 1 };
  }
  return { length, next: at + 4 };
}

/**
 * The objectTypeIndication of an mp4a entry's esds (0x40: MPEG-4 Audio, i.e. AAC), read through the
 * ES_Descriptor (tag 3) to its DecoderConfigDescriptor (tag 4).
 */
function audioObjectType(mp4a: Box): number | undefined {
  // AudioSampleEntry: 28 bytes of fields, then its child boxes.
  const esds = boxes(mp4a.body.subarray(28)).find((b) => b.type === 'esds');
  if (!esds || esds.body[4] !== 0x03) return undefined;
  let { next: at } = descriptorLength(esds.body, 5);
  const flags = esds.body[at + 2]!;
  at += 3;
  if (flags & 0x80) at += 2; // dependsOn_ES_ID
  if (flags & 0x40) at += 1 + esds.body[at]!; // URL
  if (flags & 0x20) at += 2; // OCR_ES_Id
  if (esds.body[at] !== 0x04) return undefined;
  return esds.body[descriptorLength(esds.body, at + 1).next];
}

export function readMp4(file: string): Mp4Info {
  const top = boxes(readFileSync(file));
  const moov = top.find((b) => b.type === 'moov');
  if (!moov) throw new Error(`mp4: ${file} has no moov box`);
  const { timescale, duration } = timing(child(moov, 'mvhd'));
  return {
    topLevel: top.map((b) => b.type),
    durationSeconds: duration / timescale,
    tracks: boxes(moov.body)
      .filter((b) => b.type === 'trak')
      .map(track),
  };
}

/** A JPEG's or PNG's pixel size. */
export function imageSize(file: string): { width: number; height: number } {
  const data = readFileSync(file);
  if (data.subarray(1, 4).toString('latin1') === 'PNG')
    return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
  if (data[0] !== 0xff || data[1] !== 0xd8) throw new Error(`${file} is neither PNG nor JPEG`);
  let at = 2;
  while (at + 9 < data.length) {
    if (data[at] !== 0xff) throw new Error(`jpeg: ${file} has no marker at ${at}`);
    const marker = data[at + 1]!;
    // SOF0..SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker))
      return { height: data.readUInt16BE(at + 5), width: data.readUInt16BE(at + 7) };
    at += 2 + data.readUInt16BE(at + 2);
  }
  throw new Error(`jpeg: ${file} has no frame header`);
}
