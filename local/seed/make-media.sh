#!/usr/bin/env bash
# Makes the seed clips of the local stack: six short H.264 MP4s (constrained
# baseline, yuv420p, +faststart, no audio) and a JPEG thumbnail of each, small
# enough to commit. Run it once after changing it (needs Debian's ffmpeg:
# apt-get install ffmpeg) and commit local/seed/media/; neither `make dev`
# nor CI needs ffmpeg.
set -euo pipefail
cd "$(dirname "$0")/media"

font=/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf
sources=(
  "testsrc2=size=320x240:rate=15"
  "mandelbrot=size=320x240:rate=15"
  "rgbtestsrc=size=320x240:rate=15"
  "smptebars=size=320x240:rate=15"
  "cellauto=size=320x240:rate=15:rule=110"
  "testsrc=size=320x240:rate=15"
)
overlay=""
if [ -f "$font" ]; then
  # A running clock, as a camera burns its time into the picture.
  overlay=",drawtext=fontfile=${font}:text='camvault %{pts\\:hms}':x=8:y=h-24:fontsize=16:fontcolor=white:box=1:boxcolor=black@0.6"
fi

for i in "${!sources[@]}"; do
  n=$((i + 1))
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i "${sources[$i]}" -t 4 \
    -vf "format=yuv420p${overlay}" \
    -c:v libx264 -profile:v baseline -level 3.0 -pix_fmt yuv420p -preset veryslow -crf 30 -g 30 \
    -movflags +faststart -an "clip${n}.mp4"
  ffmpeg -hide_banner -loglevel error -y -i "clip${n}.mp4" -ss 1 -frames:v 1 -vf scale=320:-2 -q:v 6 "clip${n}.jpg"
done
ls -l
