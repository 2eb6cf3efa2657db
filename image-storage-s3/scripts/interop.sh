#!/usr/bin/env bash
# Shows that an image uploaded through the SDK's S3 backend reads back byte-identical with the AWS CLI and s3cmd.
# It starts S3Proxy on 127.0.0.1 through InteropServer in the module's test classes, which uploads a 12 MiB image of
# random bytes as a multipart upload of 5 MiB parts. Then it downloads the image with each tool it finds and
# compares the bytes and the SHA-256. At the end it stops the server and removes everything it made. Run it from anywhere: image-storage-s3/scripts/interop.sh
# Set INTEROP_INSTALL=1 to install missing tools with apt-get (Debian packages awscli and s3cmd).
set -euo pipefail
cd "$(dirname "$0")/../.."

export AWS_EC2_METADATA_DISABLED=true

if [[ "${INTEROP_INSTALL:-0}" == 1 ]] && { ! command -v aws >/dev/null || ! command -v s3cmd >/dev/null; }; then
    apt-get update -qq && apt-get install -y -qq awscli s3cmd >/dev/null \
        || { echo "interop: failed to install awscli and s3cmd with apt-get" >&2; exit 1; }
fi
if ! command -v aws >/dev/null && ! command -v s3cmd >/dev/null; then
    echo "interop: neither aws nor s3cmd is installed; install the Debian package awscli or s3cmd," \
        "or run with INTEROP_INSTALL=1" >&2
    exit 1
fi

work="$(mktemp -d -t image-storage-interop-XXXXXX)"
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]]; then
        exec {server_in}>&- 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

echo "interop: building the test classes"
mvn -B -q -pl image-storage-s3 -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$work/classpath" -Dmdep.includeScope=test >/dev/null
classpath="image-storage-s3/target/test-classes:image-storage-s3/target/classes:$(cat "$work/classpath")"

head -c $((12 * 1024 * 1024)) /dev/urandom > "$work/image.raw"
expected="$(sha256sum "$work/image.raw" | cut -d' ' -f1)"

# The server serves until its standard input, a pipe held open by this script, is closed.
mkfifo "$work/server-in"
java -cp "$classpath" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn dev.imagestorage.s3.InteropServer \
    "$work/image.raw" "$work/info" < "$work/server-in" &
server_pid=$!
exec {server_in}>"$work/server-in"
for _ in $(seq 1 600); do
    [[ -s "$work/info" ]] && break
    kill -0 "$server_pid" 2>/dev/null || { echo "interop: InteropServer failed" >&2; exit 1; }
    sleep 0.1
done
[[ -s "$work/info" ]] || { echo "interop: InteropServer did not upload the image within 60 s" >&2; exit 1; }
info() { grep "^$1=" "$work/info" | cut -d= -f2-; }
endpoint="$(info endpoint)"
bucket="$(info bucket)"
key="$(info key)"
if [[ "$(info sha256)" != "$expected" ]]; then
    echo "interop: FAILED: the SDK recorded SHA-256 $(info sha256), the file has $expected" >&2
    exit 1
fi

failures=0
check() {
    local tool="$1" file="$2"
    if cmp -s "$work/image.raw" "$file"; then
        echo "interop: $tool read s3://$bucket/$key back byte-identical, SHA-256 $(sha256sum "$file" | cut -d' ' -f1)"
    else
        echo "interop: FAILED: $tool read different bytes from s3://$bucket/$key" >&2
        failures=$((failures + 1))
    fi
}

if command -v aws >/dev/null; then
    AWS_ACCESS_KEY_ID="$(info access_key)" AWS_SECRET_ACCESS_KEY="$(info secret_key)" \
        AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
        aws --endpoint-url "$endpoint" s3 cp --only-show-errors "s3://$bucket/$key" "$work/aws.raw"
    check "aws s3 cp" "$work/aws.raw"
fi
if command -v s3cmd >/dev/null; then
    host="${endpoint#http://}"
    cat > "$work/s3cfg" <<CONFIG
[default]
access_key = $(info access_key)
secret_key = $(info secret_key)
host_base = $host
host_bucket = $host
use_https = False
bucket_location = us-east-1
CONFIG
    s3cmd -c "$work/s3cfg" --quiet get "s3://$bucket/$key" "$work/s3cmd.raw"
    check "s3cmd get" "$work/s3cmd.raw"
fi
exit "$failures"
