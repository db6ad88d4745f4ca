# Shared helpers of Tuning/host/check.sh and apply.sh (sourced, not run). Bash 4+.
# Every path is read below $ROOT ("" for this machine) so both scripts can be pointed at a fake tree.

# cpulist_expand "0-2,5" -> "0 1 2 5"
cpulist_expand() {
  local list="${1//[[:space:]]/}" part out=()
  [[ -z "$list" ]] && return 0
  IFS=',' read -ra parts <<<"$list"
  for part in "${parts[@]}"; do
    if [[ "$part" =~ ^([0-9]+)-([0-9]+)$ ]]; then
      local i
      for ((i = BASH_REMATCH[1]; i <= BASH_REMATCH[2]; i++)); do out+=("$i"); done
    elif [[ "$part" =~ ^[0-9]+$ ]]; then
      out+=("$part")
    fi
  done
  echo "${out[*]}"
}

# cpulist_format "5 0 1 2" -> "0-2,5"
cpulist_format() {
  local sorted cpu start="" prev="" out=""
  sorted=$(tr ' ' '\n' <<<"$*" | grep -E '^[0-9]+$' | sort -n | uniq | tr '\n' ' ')
  for cpu in $sorted; do
    if [[ -z "$start" ]]; then start=$cpu; prev=$cpu; continue; fi
    if ((cpu == prev + 1)); then prev=$cpu; continue; fi
    out+="${out:+,}$([[ $start == "$prev" ]] && echo "$start" || echo "$start-$prev")"
    start=$cpu; prev=$cpu
  done
  [[ -n "$start" ]] && out+="${out:+,}$([[ $start == "$prev" ]] && echo "$start" || echo "$start-$prev")"
  echo "$out"
}

# cpu_mask "1 3" -> "a" (hex, as /proc/irq/default_smp_affinity takes it; up to 63 CPUs)
cpu_mask() {
  local cpu mask=0
  for cpu in $*; do ((cpu < 63)) && mask=$((mask | (1 << cpu))); done
  printf '%x\n' "$mask"
}

# cpu_mask_to_list "ffffffff,00000003" -> "0 1 32 33 ..." (space separated)
cpu_mask_to_list() {
  local hex=${1//,/} out=() i digit value bit
  hex=${hex//[[:space:]]/}
  for ((i = 0; i < ${#hex}; i++)); do
    digit=${hex:${#hex}-1-i:1}
    value=$((16#$digit))
    for bit in 0 1 2 3; do ((value & (1 << bit))) && out+=($((i * 4 + bit))); done
  done
  echo "${out[*]}"
}

# contains "1 2 3" 2 -> status 0
contains() { [[ " $1 " == *" $2 "* ]]; }

# intersect "0 1 2" "1 2 3" -> "1 2"
intersect() {
  local a out=()
  for a in $1; do contains "$2" "$a" && out+=("$a"); done
  echo "${out[*]}"
}

# minus "0 1 2" "1" -> "0 2"
minus() {
  local a out=()
  for a in $1; do contains "$2" "$a" || out+=("$a"); done
  echo "${out[*]}"
}

# read_file PATH: the file's first line below $ROOT, or nothing (status 1) when absent/unreadable.
read_file() {
  local path="$ROOT$1"
  [[ -r "$path" ]] || return 1
  head -n1 "$path" 2>/dev/null || return 1
}

# selected "always [madvise] never" -> "madvise"; a bare word (a fake tree written by apply.sh --root) is itself
selected() {
  if [[ "$1" == *"["*"]"* ]]; then sed -n 's/.*\[\([^]]*\)\].*/\1/p' <<<"$1"; else echo "${1//[[:space:]]/}"; fi
}

# cmdline_param NAME: the value of NAME= on $ROOT/proc/cmdline (before " -- "), or nothing.
cmdline_param() {
  local word value=""
  for word in $(read_file /proc/cmdline || true); do
    [[ "$word" == "--" ]] && break
    [[ "$word" == "$1="* ]] && value="${word#"$1"=}"
  done
  echo "$value"
}

# cmdline_cpus NAME: the CPUs of a cmdline CPU list parameter (flags such as managed_irq dropped).
cmdline_cpus() {
  local value
  value=$(cmdline_param "$1")
  cpulist_expand "$(tr ',' '\n' <<<"$value" | grep -E '^[0-9]+(-[0-9]+)?$' | paste -sd, -)"
}

# online_cpus: online CPUs as a space-separated list.
online_cpus() {
  local list
  if list=$(read_file /sys/devices/system/cpu/online) && [[ -n "$list" ]]; then
    cpulist_expand "$list"
  else
    cpulist_expand "0-$(($(nproc) - 1))"
  fi
}

# default_hot_cores: every online CPU but the first (core 0 stays with the OS), or CPU 0 alone on a 1-CPU host.
default_hot_cores() {
  local online
  online=$(online_cpus)
  if [[ $(wc -w <<<"$online") -le 1 ]]; then echo "$online"; else cut -d' ' -f2- <<<"$online"; fi
}

# meminfo KEY: the number of a /proc/meminfo line, or nothing.
meminfo() { awk -v k="$1:" '$1 == k { print $2 }' "$ROOT/proc/meminfo" 2>/dev/null || true; }

# irqbalance_running: status 0 when a process named irqbalance runs below $ROOT/proc.
irqbalance_running() {
  local comm
  for comm in "$ROOT"/proc/[0-9]*/comm; do
    [[ -r "$comm" ]] && [[ "$(cat "$comm" 2>/dev/null)" == irqbalance ]] && return 0
  done
  return 1
}

# irqbalance_config: the irqbalance environment file below $ROOT (Debian or RHEL layout).
irqbalance_config() {
  if [[ -e "$ROOT/etc/sysconfig/irqbalance" && ! -e "$ROOT/etc/default/irqbalance" ]]; then
    echo "$ROOT/etc/sysconfig/irqbalance"
  else
    echo "$ROOT/etc/default/irqbalance"
  fi
}

# irqbalance_banned: the CPUs of IRQBALANCE_BANNED_CPULIST in the irqbalance config, or nothing.
irqbalance_banned() {
  local file value
  file=$(irqbalance_config)
  [[ -r "$file" ]] || return 0
  value=$(sed -n 's/^[[:space:]]*IRQBALANCE_BANNED_CPULIST=["'\'']\{0,1\}\([0-9,-]*\).*/\1/p' "$file" | tail -n1)
  cpulist_expand "$value"
}
