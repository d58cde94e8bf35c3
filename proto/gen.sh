#!/usr/bin/env bash
# Regenerates proto/gen/*_pb.ts from the .proto files with protoc-gen-es.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v protoc >/dev/null || { echo "protoc is missing: apt-get install -y protobuf-compiler" >&2; exit 1; }
[ -x node_modules/.bin/protoc-gen-es ] || deno install --quiet
rm -rf proto/gen && mkdir -p proto/gen
protoc --plugin=protoc-gen-es=node_modules/.bin/protoc-gen-es \
  --es_out=proto/gen --es_opt=target=ts,import_extension=ts \
  -I proto proto/onnx.proto proto/mesh.proto
