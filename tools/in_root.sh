#!/usr/bin/env bash
# Runs a command with a Debian root's system directories in place of the host's:
#   tools/in_root.sh ROOT COMMAND [ARGS...]
# In a private mount namespace the root's /usr and /etc are mounted over the host's (and /bin,
# /lib... where the host has not merged them into /usr); every other path stays the host's own
# (the working directory, /tmp, /home, /root, /proc, /dev, /run, /opt...), and /usr/local and the
# host's identity and network files in /etc are kept. The command replaces this script's
# process (no fork): stdin/stdout/stderr, environment, exit status and signals are the command's
# own, and the mounts disappear with the last process of the namespace.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 ROOT COMMAND [ARGS...]" >&2
  exit 2
fi
root=$(cd "$1" && pwd)
shift

# Already inside (a program started through this runs this again): nothing to mount.
if [ /usr -ef "$root/usr" ]; then
  exec "$@"
fi
if [ "${SLAB_HUNTER_IN_ROOT:-}" != "$root" ]; then
  # Mounting needs CAP_SYS_ADMIN: as root, a mount namespace is enough; otherwise a user
  # namespace (then the program sees itself as uid 0).
  userns=()
  [ "$(id -u)" -eq 0 ] || userns=(--user --map-root-user)
  exec env SLAB_HUNTER_IN_ROOT="$root" unshare "${userns[@]}" --mount --propagation private \
    -- bash "${BASH_SOURCE[0]}" "$root" "$@"
fi

# Inside the namespace. Everything is mounted onto the root's own tree first and moved over the
# host's last, so that the host's own mount is the program doing the work throughout.
inside=()
if [ -d /usr/local ] && [ -d "$root/usr/local" ]; then
  mount --rbind /usr/local "$root/usr/local"
  inside+=("$root/usr/local")
fi
# Only onto the root's plain files: mount would follow a symlink (localtime is one) to the
# host's own tree.
for f in passwd group shadow gshadow hosts hostname resolv.conf timezone; do
  if [ -e "/etc/$f" ] && [ -f "$root/etc/$f" ] && [ ! -L "$root/etc/$f" ]; then
    mount --bind "/etc/$f" "$root/etc/$f"
    inside+=("$root/etc/$f")
  fi
done
# Unmerged hosts keep libraries and programs outside /usr; merged ones have symlinks there.
for dir in bin sbin lib lib32 lib64 libx32; do
  if [ -d "/$dir" ] && [ ! -L "/$dir" ] && [ -d "$root/$dir" ]; then
    mount --rbind "$root/$dir" "/$dir"
  fi
done
# /etc before /usr: the host's mount (in /usr/bin) must still run for the last one.
mount --rbind "$root/etc" /etc
mount --rbind "$root/usr" /usr
# The copies over /etc and /usr stay; the originals under the root go (with the root's umount),
# so that nothing is mounted inside the root's tree: a sandbox that binds a directory above it
# (Bazel's does, for a checkout under /tmp) may not bind one with mounts below it it cannot see.
for path in "${inside[@]}"; do umount -l "$path"; done
unset SLAB_HUNTER_IN_ROOT
exec "$@"
