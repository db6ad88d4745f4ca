#!/usr/bin/env bash
# Tuning/host/check.sh: read-only audit of this host for low-latency runs of hft.
#
# Usage: Tuning/host/check.sh [--cores LIST] [--hugepages N] [--root PATH] [--strict]
#   --cores LIST    hot cores that will run busy-spinning threads, kernel list notation (e.g. 1-3,5);
#                   default: every online CPU but the first.
#   --hugepages N   huge pages the rings need (default 16: 32 MiB of rings in 2 MiB pages).
#   --root PATH     read /sys, /proc and /etc below PATH instead of / (used by the tests).
#   --strict        exit 1 when any check says WARN (default: always exit 0 once the checks ran).
#
# Prints one line per check, "OK" or "WARN", and for each WARN the exact change to make, usually
# a Tuning/host/apply.sh call or a kernel command line parameter. Changes nothing, needs no root
# (some files are root-only; those read as "not readable"). Files absent on VMs and containers
# (cpufreq, nohz_full, ...) are reported, not fatal. `hft tune check` is the same audit against a
# topology (which cores spin, which back off); this script only knows the --cores you give it.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
source "$HERE/common.sh"

ROOT=""
CORES=""
HUGEPAGES=16
STRICT=0
while (($#)); do
  case "$1" in
    --cores) CORES=$(cpulist_expand "${2:?--cores needs a list}"); shift 2 ;;
    --hugepages) HUGEPAGES=${2:?--hugepages needs a number}; shift 2 ;;
    --root) ROOT=${2:?--root needs a path}; ROOT=${ROOT%/}; shift 2 ;;
    --strict) STRICT=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "check.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$HUGEPAGES" =~ ^[0-9]+$ ]] || { echo "check.sh: --hugepages must be a number" >&2; exit 2; }
[[ -z "$ROOT" || -d "$ROOT" ]] || { echo "check.sh: --root $ROOT is not a directory" >&2; exit 2; }

ONLINE=$(online_cpus)
[[ -n "$CORES" ]] || CORES=$(default_hot_cores)
CORES_LIST=$(cpulist_format $CORES)
APPLY="Tuning/host/apply.sh --cores $CORES_LIST"
WARNINGS=0

ok() { printf 'OK   %-12s %s\n' "$1" "$2"; }
warn() {
  printf 'WARN %-12s %s\n' "$1" "$2"
  [[ -n "${3:-}" ]] && printf '     %-12s fix: %s\n' "" "$3"
  WARNINGS=$((WARNINGS + 1))
}

echo "host ${ROOT:-/}: online CPUs $(cpulist_format $ONLINE); hot cores $CORES_LIST"
missing=$(minus "$CORES" "$ONLINE")
if [[ -n "$missing" ]]; then
  warn cores "cores $(cpulist_format $missing) are not online" "pass --cores within $(cpulist_format $ONLINE)"
else
  ok cores "hot cores $CORES_LIST are online"
fi

isolated=$(cpulist_expand "$(read_file /sys/devices/system/cpu/isolated || true)")
[[ -n "$isolated" ]] || isolated=$(cmdline_cpus isolcpus)
PARAMS="isolcpus=managed_irq,domain,$CORES_LIST nohz_full=$CORES_LIST rcu_nocbs=$CORES_LIST"
CMDLINE_FIX="add to the kernel command line and reboot: $PARAMS ($APPLY --only cmdline prints how)"
for item in "isolation:$isolated" "nohz_full:$(cpulist_expand "$(read_file /sys/devices/system/cpu/nohz_full || true)") $(cmdline_cpus nohz_full)" \
            "rcu_nocbs:$(cmdline_cpus rcu_nocbs) $(cmdline_cpus nohz_full)"; do
  name=${item%%:*}; have=${item#*:}
  lacking=$(minus "$CORES" "$have")
  if [[ -z "$lacking" ]]; then
    ok "$name" "covers $CORES_LIST"
  else
    warn "$name" "cores $(cpulist_format $lacking) not covered (have: $(cpulist_format $have | sed 's/^$/none/'))" "$CMDLINE_FIX"
  fi
done

governors="" not_performance=""
for cpu in $CORES; do
  if gov=$(read_file "/sys/devices/system/cpu/cpu$cpu/cpufreq/scaling_governor"); then
    governors+="${governors:+, }cpu$cpu: $gov"
    [[ "$gov" == performance ]] || not_performance+=" $cpu"
  fi
done
if [[ -z "$governors" ]]; then
  warn governor "not exposed (no cpufreq on $CORES_LIST: VM or no cpufreq driver)" \
    "nothing to set on this host: frequency is up to the hypervisor or firmware"
elif [[ -n "$not_performance" ]]; then
  warn governor "$governors" "Tuning/host/apply.sh --cores $(cpulist_format $not_performance) --only governor --yes"
else
  ok governor "$governors"
fi

for setting in enabled defrag; do
  name=thp; [[ $setting == defrag ]] && name=thp-defrag
  if value=$(read_file "/sys/kernel/mm/transparent_hugepage/$setting"); then
    value=$(selected "$value")
    if [[ "$value" == always ]]; then
      warn "$name" "[always] (compaction stalls on page faults)" "Tuning/host/apply.sh --only thp --yes"
    elif [[ "$value" == never && $setting == enabled ]]; then
      warn "$name" "[never] (hft's memory stays on 4 KiB pages; it advises huge pages under madvise)" "Tuning/host/apply.sh --only thp --yes"
    else
      ok "$name" "[$value]"
    fi
  else
    warn "$name" "not exposed (transparent_hugepage/$setting absent)" ""
  fi
done

total=$(meminfo HugePages_Total); free=$(meminfo HugePages_Free); size=$(meminfo Hugepagesize)
if [[ -z "$total" ]]; then
  warn hugepages "not exposed (/proc/meminfo has no HugePages_Total)" ""
elif ((free < HUGEPAGES)); then
  warn hugepages "$total reserved, $free free, ${size} KiB each; need $HUGEPAGES free" \
    "Tuning/host/apply.sh --hugepages $((total + HUGEPAGES - free)) --only hugepages --yes"
else
  ok hugepages "$total reserved, $free free, ${size} KiB each (need $HUGEPAGES)"
fi

rest=$(minus "$ONLINE" "$CORES")
landing="" count=0 default_note=""
for file in "$ROOT"/proc/irq/[0-9]*/smp_affinity_list; do
  [[ -r "$file" ]] || continue
  count=$((count + 1))
  irq=$(basename "$(dirname "$file")")
  [[ -n "$(intersect "$(cpulist_expand "$(head -n1 "$file")")" "$CORES")" ]] && landing+=" $irq"
done
if default=$(read_file /proc/irq/default_smp_affinity) && [[ -n "$(intersect "$(cpu_mask_to_list "$default")" "$CORES")" ]]; then
  default_note="; default_smp_affinity $default covers them"
fi
if ((count == 0)); then
  warn irq-affinity "not exposed (no /proc/irq/*/smp_affinity_list)" ""
elif [[ -z "$landing$default_note" ]]; then
  ok irq-affinity "$count IRQs, none on $CORES_LIST"
elif [[ -z "$rest" ]]; then
  warn irq-affinity "IRQs${landing:- none} may run on $CORES_LIST$default_note, and no other core is online to take them" ""
else
  warn irq-affinity "$(wc -w <<<"$landing") of $count IRQs may run on $CORES_LIST:${landing:- none}$default_note" "$APPLY --only irq --yes"
fi

if irqbalance_running; then
  banned=$(irqbalance_banned)
  if [[ -z "$(minus "$CORES" "$banned")" ]]; then
    ok irqbalance "running, bans $(cpulist_format $banned)"
  else
    warn irqbalance "running, bans $(cpulist_format $banned | sed 's/^$/none/'): it will move IRQs back onto $CORES_LIST" "$APPLY --only irq --yes"
  fi
else
  ok irqbalance "not running"
fi

flags=$(grep -m1 '^flags' "$ROOT/proc/cpuinfo" 2>/dev/null || true)
if [[ " $flags " == *" constant_tsc "* && " $flags " == *" nonstop_tsc "* ]]; then
  ok tsc "constant_tsc and nonstop_tsc (invariant TSC)"
else
  warn tsc "no invariant TSC flags (constant_tsc nonstop_tsc) in /proc/cpuinfo" \
    "no software fix: use a CPU with invariant TSC (KVM/QEMU guests: -cpu host,+invtsc)"
fi

if source=$(read_file /sys/devices/system/clocksource/clocksource0/current_clocksource); then
  if [[ "$source" == tsc ]]; then ok clocksource tsc
  else warn clocksource "$source" "add clocksource=tsc tsc=reliable to the kernel command line"; fi
else
  warn clocksource "not exposed" ""
fi

nodes=""
for dir in "$ROOT"/sys/devices/system/node/node[0-9]*; do
  [[ -d "$dir" ]] || continue
  node=${dir##*node}
  cpus=$(cpulist_expand "$(cat "$dir/cpulist" 2>/dev/null || true)")
  [[ -n "$(intersect "$cpus" "$CORES")" ]] && nodes+=" node$node"
done
if [[ -z "$nodes" ]]; then
  ok numa "no NUMA nodes in sysfs: one node assumed"
elif [[ $(wc -w <<<"$nodes") -gt 1 ]]; then
  warn numa "hot cores span$nodes" "pick hot cores from one node (see /sys/devices/system/node/node*/cpulist)"
else
  ok numa "hot cores on$nodes"
fi

swap=$(meminfo SwapTotal); swappiness=$(read_file /proc/sys/vm/swappiness || echo unknown)
if [[ -z "$swap" ]]; then
  warn swap "not exposed (/proc/meminfo has no SwapTotal)" ""
elif ((swap == 0)); then
  ok swap "no swap (vm.swappiness $swappiness)"
elif [[ "$swappiness" =~ ^[0-9]+$ ]] && ((swappiness <= 10)); then
  ok swap "$((swap / 1024)) MiB swap, vm.swappiness $swappiness"
else
  warn swap "$((swap / 1024)) MiB swap, vm.swappiness $swappiness" "Tuning/host/apply.sh --only swappiness --yes"
fi

echo "$WARNINGS warning(s)"
if ((STRICT && WARNINGS > 0)); then exit 1; fi
exit 0
