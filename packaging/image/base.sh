#!/usr/bin/env bash
# Builds the base of Toolgate's container image, with no container registry and no Docker daemon:
# a Java runtime cut down by jlink from the build's JDK, the C libraries it links (glibc, zlib, ...,
# copied from the build machine, on Debian from Debian's packages, whose names, versions and
# copyright files go into the image), /etc/passwd with the unprivileged user `toolgate` (10001),
# and the config and state directories owned by it. Written as a `docker save` tarball, which Jib
# builds on (`tar://`, toolgate-server/pom.xml). Linux only: the runtime is the build machine's.
#
# Usage: base.sh OUT.tar JAVA_HOME
# Skips the work when OUT.tar was built by this same script from the same JDK.
set -euo pipefail

out="$1"
jdk="$2"
uid=10001
java_dir=/opt/java/openjdk   # where eclipse-temurin images have it too, so -Djib.from.image=eclipse-temurin:17-jre fits
# java.se is the whole Java SE API (what a "JRE" is); the jdk.* modules are what Toolgate's libraries
# use beyond it (elliptic-curve TLS and JWS, sun.misc.Unsafe, JVM metrics, JFR events, zip file
# systems, DNS, extended socket options).
modules=java.se,jdk.crypto.ec,jdk.unsupported,jdk.management,jdk.jfr,jdk.zipfs,jdk.naming.dns,jdk.net
# Desktop natives a server never loads; they would pull X11, ALSA and font libraries in.
exclude='**/libawt_xawt.so,**/libjsound.so,**/libsplashscreen.so,**/libfontmanager.so,**/liblcms.so,**/libjavajpeg.so,**/libjawt.so'

[[ "$(uname -s)" == Linux ]] || { echo "base.sh: the image's runtime is the build machine's, so it is built on Linux only" >&2; exit 1; }
[[ -x "$jdk/bin/jlink" ]] || { echo "base.sh: $jdk is not a JDK (no bin/jlink)" >&2; exit 1; }
# Modules from jmods/, or (JDK 24+ built without them, JEP 493) from the JDK's own run-time image.
module_path=()
[[ -d "$jdk/jmods" ]] && module_path=(--module-path "$jdk/jmods")

stamp="$(cat "$0" "$jdk/release" | sha256sum | cut -d' ' -f1)"
if [[ -f "$out" && "$(cat "$out.stamp" 2>/dev/null)" == "$stamp" ]]; then
  echo "base.sh: $out is up to date"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/root"
mkdir -p "$root"

"$jdk/bin/jlink" "${module_path[@]}" --add-modules "$modules" --exclude-files="$exclude" \
  --strip-debug --no-man-pages --no-header-files --output "$root$java_dir"

# The shared libraries the runtime links, and theirs: ldd lists the whole closure.
libs="$work/libs"
find "$root$java_dir" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0 \
  | xargs -0 ldd 2>/dev/null \
  | awk -v root="$root" '/not found/ { print "MISSING " $1; next }
      $2 == "=>" && $3 ~ /^\// && index($3, root) != 1 { print $3 }
      $1 ~ /^\// && index($1, root) != 1 { print $1 }' \
  | sort -u > "$libs"
# A library ldd cannot place may be the runtime's own (libjvm.so: the launcher loads it by path).
missing=""
for name in $(sed -n 's/^MISSING //p' "$libs"); do
  [[ -n "$(find "$root$java_dir" -name "$name" -print -quit)" ]] || missing="$missing $name"
done
[[ -z "$missing" ]] || { echo "base.sh: libraries the runtime needs are not on this machine:$missing" >&2; exit 1; }
sed -i '/^MISSING /d' "$libs"
# All of glibc's libraries, not only those the runtime links: JNI libraries of the application link
# others (SQLite's driver: libpthread.so.0, libdl.so.2).
libc_dir="$(dirname "$(grep '/libc\.so\.6$' "$libs")")"
if command -v dpkg-query >/dev/null && pkg="$(dpkg -S "$libc_dir/libc.so.6" 2>/dev/null | cut -d: -f1-2)"; then
  dpkg -L "$pkg" | grep -E '\.so(\.[0-9]+)*$' | grep -v /gconv/ >> "$libs"
else
  for name in libm.so.6 libpthread.so.0 libdl.so.2 librt.so.1 libresolv.so.2 libutil.so.1 libanl.so.1 libnss_dns.so.2 libnss_files.so.2; do
    [[ -e "$libc_dir/$name" ]] && echo "$libc_dir/$name" >> "$libs"
  done
fi
sort -u -o "$libs" "$libs"
while read -r lib; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done < "$libs"

# Where they came from: on Debian, each file's package and version, with its copyright file.
provenance="$root/usr/share/doc/toolgate-base/packages.txt"
mkdir -p "$(dirname "$provenance")"
{
  echo "# The base of Toolgate's image: a jlink runtime ($modules) and the libraries it links."
  sed -n 's/^\(JAVA_VERSION\|IMPLEMENTOR\)=/\1=/p' "$jdk/release"
  if command -v dpkg-query >/dev/null; then
    for f in "$(realpath "$jdk/bin/jlink")" "$(realpath "$jdk/lib/server/libjvm.so")" $(cat "$libs"); do
      dpkg -S "$f" 2>/dev/null || dpkg -S "$(realpath "$f")" 2>/dev/null || echo "(no package): $f"
    done | cut -d: -f1 | sort -u | while read -r pkg; do
      dpkg-query -W -f='${Package} ${Version}\n' "$pkg" 2>/dev/null || echo "$pkg"
      if [[ -f "/usr/share/doc/$pkg/copyright" ]]; then
        mkdir -p "$root/usr/share/doc/$pkg"
        cp "/usr/share/doc/$pkg/copyright" "$root/usr/share/doc/$pkg/copyright"
      fi
    done
  else
    echo "not built on Debian: libraries copied from $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")"
    cat "$libs"
  fi
} > "$provenance"

mkdir -p "$root/etc" "$root/tmp" "$root/etc/toolgate" "$root/var/lib/toolgate"
cat > "$root/etc/passwd" <<EOF
root:x:0:0:root:/root:/usr/sbin/nologin
toolgate:x:$uid:$uid:Toolgate:/var/lib/toolgate:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
cat > "$root/etc/group" <<EOF
root:x:0:
toolgate:x:$uid:
nogroup:x:65534:
EOF
# glibc 2.34+ has files and dns built in: no NSS modules to copy.
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$root/etc/nsswitch.conf"
chmod 1777 "$root/tmp"

# One layer, reproducible (sorted, dated 1970, numeric owners): everything root's, then the two
# directories Toolgate writes, appended as the toolgate user's.
layer="$work/layer.tar"
common=(--sort=name --mtime=@0 --numeric-owner --format=gnu)
tar -C "$root" "${common[@]}" --owner=0 --group=0 --exclude=./etc/toolgate --exclude=./var/lib/toolgate -cf "$layer" .
chmod 0750 "$root/etc/toolgate" "$root/var/lib/toolgate"
tar -C "$root" "${common[@]}" --owner=$uid --group=$uid --no-recursion -rf "$layer" ./etc/toolgate ./var/lib/toolgate

case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) arch="$(uname -m)" ;; esac
diff_id="sha256:$(sha256sum "$layer" | cut -d' ' -f1)"
image="$work/image"
mkdir -p "$image"
mv "$layer" "$image/layer.tar"
cat > "$image/config.json" <<EOF
{"architecture":"$arch","os":"linux",
 "config":{"Env":["PATH=$java_dir/bin:/usr/bin:/bin","JAVA_HOME=$java_dir","LANG=C.UTF-8"]},
 "rootfs":{"type":"layers","diff_ids":["$diff_id"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"packaging/image/base.sh: jlink $modules, and the C libraries it links"}]}
EOF
printf '[{"Config":"config.json","RepoTags":["toolgate-base:local"],"Layers":["layer.tar"]}]\n' > "$image/manifest.json"
mkdir -p "$(dirname "$out")"
tar -C "$image" "${common[@]}" --owner=0 --group=0 -cf "$out.tmp" manifest.json config.json layer.tar
mv "$out.tmp" "$out"
echo "$stamp" > "$out.stamp"
echo "base.sh: wrote $out ($(du -h "$out" | cut -f1))"
