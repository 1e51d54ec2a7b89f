// The words a file's error uses when the settings do not keep the watermarked copy and no
// watermark-free one could be had. Text for people only: the library records why such a file
// waits in `files.hold` (see FileHold), and code decides by that, never by these words.

/**
 * How the error of a media file begins when /assets/download refused its watermark-free copy and the
 * settings do not keep the watermarked one (see SyncEngineOptions.fallbackToWatermarked).
 */
export const REFUSED_PREFIX = 'watermark-free copy refused';
/** How every such error ends (refused, or not available after the retries). */
export const NOT_KEPT_SUFFIX = 'the watermarked copy is not kept, as the settings ask';
