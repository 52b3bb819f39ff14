#!/usr/bin/env bash
# Regenerates every icon under assets/ from the drawings below (ImageMagick 6 `convert`).
# The glyph is described once on a 16×16 unit grid (MVG, ImageMagick's vector language), drawn at
# 16× the target size and box-filtered down, which gives clean anti-aliasing at 16 and 32 px.
#   assets/tray/tray-{idle,running,attention}[@2x].png   colour tray icons (Linux, Windows)
#   assets/tray/tray{,Running,Attention}Template[@2x].png  macOS template images (black + alpha)
#   assets/icon.png                                        512×512 app icon
# Usage: bash assets/generate-icons.sh   (then look at the result: bash assets/generate-icons.sh --sheet)
set -euo pipefail

cd "$(dirname "$0")"
CONVERT=${CONVERT:-convert}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p tray

GLYPH_GREY='#6a6a6a' # mid grey: dark enough on light panels…
HALO='#f2f2f2'       # …and this light rim makes it stand out on dark ones
FACE='#fafafa'       # a light dial, so the hands read on dark panels too
GREEN='#1e9e4f'
BADGE='#e4570f' # orange-red, reads as "look at me" without meaning "error" only

# Shared silhouette on the 16-unit grid (the glyph's axis is x = 7.5, a pixel centre at 1x, so
# 1-unit strokes land on whole pixels at 16 and 32 px): crown stem and button, side button.
# $1 = colour, $2 = extra stroke width (for the halo underlay).
crown() {
  cat <<EOF
stroke '$1' fill none stroke-linecap round stroke-linejoin round
stroke-width $(awk "BEGIN{print 1.0+$2}")
line 7.5,1.5 7.5,3.6
stroke-width $(awk "BEGIN{print 1.3+$2}")
line 5.8,1.5 9.2,1.5
line 11.9,4.1 12.7,3.3
EOF
}

# Idle stopwatch: face ring, one hand at 12 o'clock and one towards 2.
# $1 = stroke colour, $2 = extra stroke width, $3 = face fill ('none' for an open face).
stopwatch() {
  local colour=$1 grow=$2 face=${3:-none}
  crown "$colour" "$grow"
  cat <<EOF
stroke '$colour' fill '$face' stroke-width $(awk "BEGIN{print 1.7+$grow}")
circle 7.5,9.5 7.5,4.3
fill none stroke-width $(awk "BEGIN{print 1.0+$grow}")
line 7.5,9.5 7.5,6.6
line 7.5,9.5 9.7,8.3
EOF
}

# Running: a filled face with a "play" triangle in $3 (none for the template, which cuts it out).
running() {
  local colour=$1 grow=$2 inner=$3
  crown "$colour" "$grow"
  cat <<EOF
stroke '$colour' fill '$colour' stroke-width $(awk "BEGIN{print 1.7+$grow}")
circle 7.5,9.5 7.5,4.3
EOF
  if [ -n "$inner" ]; then
    cat <<EOF
stroke '$inner' fill '$inner' stroke-width 0.5
polygon 6.1,6.9 6.1,12.1 10.4,9.5
EOF
  fi
}

# Badge in the bottom-right corner: a disc with "!". The mark is made of rectangles on whole
# pixels so it stays sharp at 16 px.
badge_disc() { echo "stroke none fill '$1' circle 11.5,11.5 11.5,$(awk "BEGIN{print 11.5-4-$2}")"; }
badge_mark() {
  cat <<EOF
stroke none fill '$1'
rectangle 11,8.6 12,12.2
rectangle 11,13.1 12,14.2
EOF
}

# render SIZE OUT [OP MVG-FILE]…: draws each MVG file as a layer at 16× the size, composes the
# layers in order (OP = Over to paint, DstOut to erase what is below), then box-filters to SIZE.
render() {
  local size=$1 out=$2
  shift 2
  local big=$((size * 16))
  local args=(-size "${big}x${big}" xc:none)
  while [ "$#" -gt 0 ]; do
    local op=$1 mvg=$2 layer="$work/draw-$#.mvg"
    shift 2
    { echo "viewbox 0 0 $big $big"; echo "affine $size 0 0 $size 0 0"; cat "$mvg"; } >"$layer"
    args+=(\( -size "${big}x${big}" xc:none -draw "$(cat "$layer")" \) -compose "$op" -composite)
  done
  "$CONVERT" "${args[@]}" -filter Box -resize "${size}x${size}" \
    -strip -define png:exclude-chunks=date,time "PNG32:$out"
}

# ---- MVG pieces ----------------------------------------------------------------------------
stopwatch "$HALO" 1.1 "$HALO" >"$work/idle-halo.mvg"
stopwatch "$GLYPH_GREY" 0 "$FACE" >"$work/idle.mvg"
running "$HALO" 1.1 "" >"$work/run-halo.mvg"
running "$GREEN" 0 white >"$work/run.mvg"
badge_disc black 1.1 >"$work/badge-gap.mvg"
{ badge_disc "$HALO" 0.7; badge_disc "$BADGE" 0; badge_mark white; } >"$work/badge.mvg"

stopwatch black 0 >"$work/t-idle.mvg"
running black 0 "" >"$work/t-run-disc.mvg"
echo "stroke black fill black stroke-width 0.5 polygon 6.1,6.9 6.1,12.1 10.4,9.5" >"$work/t-play.mvg"
badge_disc black 0 >"$work/t-badge-disc.mvg"
badge_mark black >"$work/t-badge-mark.mvg"

for scale in 1 2; do
  size=$((16 * scale))
  suffix=$([ "$scale" = 2 ] && echo "@2x" || true)
  render "$size" "tray/tray-idle$suffix.png" Over "$work/idle-halo.mvg" Over "$work/idle.mvg"
  render "$size" "tray/tray-running$suffix.png" Over "$work/run-halo.mvg" Over "$work/run.mvg"
  render "$size" "tray/tray-attention$suffix.png" Over "$work/idle-halo.mvg" Over "$work/idle.mvg" \
    DstOut "$work/badge-gap.mvg" Over "$work/badge.mvg"
  # Templates: macOS recolours black+alpha for the menu bar; details are cut out, not painted white.
  render "$size" "tray/trayTemplate$suffix.png" Over "$work/t-idle.mvg"
  render "$size" "tray/trayRunningTemplate$suffix.png" Over "$work/t-run-disc.mvg" DstOut "$work/t-play.mvg"
  render "$size" "tray/trayAttentionTemplate$suffix.png" Over "$work/t-idle.mvg" \
    DstOut "$work/badge-gap.mvg" Over "$work/t-badge-disc.mvg" DstOut "$work/t-badge-mark.mvg"
done

# ---- App icon: white stopwatch with a green hand on a rounded blue square --------------------
{
  echo "viewbox 0 0 4096 4096"
  echo "stroke none fill '#1d4ed8' roundrectangle 128,128 3968,3968 800,800"
  echo "affine 256 0 0 256 0 0"
  echo "affine 0.72 0 0 0.72 2.6 2.1"
  cat <<EOF
stroke white fill none stroke-linecap round stroke-linejoin round stroke-width 1.5
circle 7.5,9.5 7.5,4.3
line 7.5,1.5 7.5,3.4
line 5.9,1.5 9.1,1.5
line 11.9,4.1 12.7,3.3
stroke '#4ade80' stroke-width 1.3
line 7.5,9.5 9.6,7.4
stroke none fill '#4ade80' circle 7.5,9.5 7.5,8.6
EOF
} >"$work/app.mvg"
"$CONVERT" -size 4096x4096 xc:none -draw "$(cat "$work/app.mvg")" -filter Box -resize 512x512 \
  -strip -define png:exclude-chunks=date,time PNG32:icon.png

if [ "${1:-}" = "--sheet" ]; then
  # Contact sheet, enlarged 6× without smoothing, on a light and a dark panel colour.
  sheet=${SHEET:-/tmp/icons-sheet.png}
  rows=()
  for bg in '#f3f3f3' '#2b2b2b' '#3d6fb6'; do
    tiles=()
    for f in tray-idle tray-running tray-attention trayTemplate trayRunningTemplate trayAttentionTemplate; do
      for s in "" "@2x"; do
        tile="$work/tile-$f$s-${bg#\#}.png"
        zoom=$([ "$s" = "@2x" ] && echo 600% || echo 1200%)
        "$CONVERT" "tray/$f$s.png" -background "$bg" -flatten -filter point -resize "$zoom" "$tile"
        tiles+=("$tile")
      done
    done
    row="$work/row-${bg#\#}.png"
    "$CONVERT" "${tiles[@]}" -bordercolor "$bg" -border 8 +append "$row"
    rows+=("$row")
  done
  "$CONVERT" "${rows[@]}" -append "$sheet"
  echo "contact sheet: $sheet"
fi
