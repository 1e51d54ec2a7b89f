// Version 4: which copy a downloaded media file is. The works' result URL (`resource.resource`) is
// the watermarked copy; GET /assets/download gives a watermark-free one (paid plans). NULL means
// unknown: covers, input images, files indexed by a rebuild from the folder (the bytes do not say),
// and every file archived before this version. Set when a file is recorded done, again on a re-download.
import type { Migration } from './types';

export const migration004: Migration = {
  version: 4,
  name: 'file-copy',
  up(db) {
    db.exec(`
      ALTER TABLE files ADD COLUMN copy TEXT CHECK (copy IN ('watermark-free','watermarked'));
    `);
  },
};
