#!/usr/bin/env bash
# Regenerates the simulator's demo media in resources/demo-media/ (committed; run only to change them).
# Every file comes from ffmpeg's built-in lavfi sources, so nothing is downloaded and nothing is copyrighted.
#   videos  : H.264 + AAC mp4 with +faststart, 2-4 s, landscape 320x180 and portrait 180x320.
#             NAME.mp4 carries a small "watermark" box (the copy the API's resource URL gives);
#             NAME-nowm.mp4 is the same clip without it (the /assets/download copy) — different bytes.
#   covers  : NAME.jpg, the first frame of the watermarked clip.
#   images  : image-N.jpg (watermarked, the resource) and image-N.png (clean, the download copy).
#   input   : input.jpg, the source picture of img2video tasks.
# Usage: scripts/make-demo-media.sh   (needs ffmpeg with libx264; total output stays well under 2 MB)
set -euo pipefail
cd "$(dirname "$0")/../resources/demo-media"

FF=(ffmpeg -hide_banner -loglevel error -y)
# A translucent box in the lower right corner stands in for Kling's watermark.
WATERMARK="drawbox=x=iw-iw/4-4:y=ih-ih/8-4:w=iw/4:h=ih/8:color=white@0.6:t=fill"

# "mandelbrot" -> "mandelbrot=size=WxH"; "mandelbrot=start_scale=1.5" -> "...:size=WxH"
with_size() { if [[ $1 == *=* ]]; then echo "$1:size=$2"; else echo "$1=size=$2"; fi; }

video() { # name width height seconds video-source audio-frequency
  local name=$1 w=$2 h=$3 secs=$4 src=$5 freq=$6
  for variant in wm nowm; do
    local vf="scale=${w}:${h},format=yuv420p"
    local out="${name}-nowm.mp4"
    if [ "$variant" = wm ]; then vf="${vf},${WATERMARK}"; out="${name}.mp4"; fi
    "${FF[@]}" -f lavfi -i "$(with_size "$src" "${w}x${h}"):rate=24" -f lavfi -i "sine=frequency=${freq}:sample_rate=44100" \
      -t "$secs" -vf "$vf" -c:v libx264 -preset veryfast -crf 32 -g 24 -c:a aac -b:a 48k -ac 1 \
      -movflags +faststart -map_metadata -1 -fflags +bitexact "$out"
  done
  "${FF[@]}" -i "${name}.mp4" -frames:v 1 -q:v 5 "${name}.jpg"
}

image() { # name width height source
  local name=$1 w=$2 h=$3 src=$4
  "${FF[@]}" -f lavfi -i "$(with_size "$src" "${w}x${h}")" -frames:v 1 -vf "$WATERMARK" -q:v 5 "${name}.jpg"
  "${FF[@]}" -f lavfi -i "$(with_size "$src" "${w}x${h}")" -frames:v 1 "${name}.png"
}

rm -f ./*.mp4 ./*.jpg ./*.png
video landscape-a 320 180 3 testsrc2 440
video landscape-b 320 180 4 mandelbrot 330
video portrait-a 180 320 2 smptebars 550
video portrait-b 180 320 3 "gradients=n=3:speed=0.03:seed=42" 660
image image-a 256 256 "mandelbrot=start_scale=1.5"
image image-b 256 256 "gradients=seed=7:n=4"
image image-c 192 256 "cellauto=rule=110"
image image-d 256 192 "testsrc2"
"${FF[@]}" -f lavfi -i "smptebars=size=320x180" -frames:v 1 -q:v 5 input.jpg
ls -l
du -ch . | tail -1
