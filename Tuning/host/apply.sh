#!/usr/bin/env bash
# Tuning/host/apply.sh: tune this host for low-latency runs of hft. Dry run unless --yes.
#
# Usage: Tuning/host/apply.sh [--cores LIST] [--hugepages N] [--thp madvise|never] [--swappiness N]
#                             [--only STEP[,STEP...]] [--yes] [--root PATH]
#   --cores LIST     hot cores (busy-spinning threads), kernel list notation (e.g. 1-3,5);
#                    default: every online CPU but the first.
#   --hugepages N    huge pages to keep reserved (vm.nr_hugepages), default 16 (32 MiB of rings).
#   --thp MODE       transparent huge pages mode when it is "always": madvise (default) or never.
#   --swappiness N   vm.swappiness to set when swap is on and it is higher (default 1).
#   --only STEPS     comma-separated subset of: governor,thp,hugepages,irq,swappiness,cmdline.
#   --yes            make the changes (as root); without it, only print what would change.
#   --root PATH      act on /sys, /proc and /etc below PATH instead of / (used by the tests;
#                    never restarts services there).
#
# Steps (each prints "ok" when nothing needs changing, so re-running is safe):
#   governor    scaling_governor = performance on the hot cores (skipped where cpufreq is absent).
#   thp         transparent_hugepage/enabled and defrag: "always" -> --thp (madvise or never); enabled
#               "never" -> madvise when --thp is madvise (hft's allocator advises huge pages for its
#               own memory, so only hft gets them).
#   hugepages   vm.nr_hugepages raised to --hugepages (never lowered); reports what the kernel gave.
#   irq         every IRQ's smp_affinity_list and default_smp_affinity moved off the hot cores;
#               irqbalance told to ban them (IRQBALANCE_BANNED_CPULIST, restarted if running).
#   swappiness  vm.swappiness lowered to --swappiness when swap is configured.
#   cmdline     prints the kernel parameters isolcpus/nohz_full/rcu_nocbs for the hot cores and how
#               to add them; never edits the boot loader (needs a reboot, and a wrong line can
#               leave the host unbootable).
# Runtime changes (sysfs/procfs) do not survive a reboot: re-run this from a boot-time unit.
# Check the result with Tuning/host/check.sh or `hft tune check`.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
source "$HERE/common.sh"

ROOT=""
CORES=""
HUGEPAGES=16
THP=madvise
SWAPPINESS=1
STEPS="governor,thp,hugepages,irq,swappiness,cmdline"
YES=0
while (($#)); do
  case "$1" in
    --cores) CORES=$(cpulist_expand "${2:?--cores needs a list}"); shift 2 ;;
    --hugepages) HUGEPAGES=${2:?--hugepages needs a number}; shift 2 ;;
    --thp) THP=${2:?--thp needs madvise or never}; shift 2 ;;
    --swappiness) SWAPPINESS=${2:?--swappiness needs a number}; shift 2 ;;
    --only) STEPS=${2:?--only needs steps}; shift 2 ;;
    --yes) YES=1; shift ;;
    --root) ROOT=${2:?--root needs a path}; ROOT=${ROOT%/}; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "apply.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$HUGEPAGES" =~ ^[0-9]+$ ]] || { echo "apply.sh: --hugepages must be a number" >&2; exit 2; }
[[ "$SWAPPINESS" =~ ^[0-9]+$ ]] || { echo "apply.sh: --swappiness must be a number" >&2; exit 2; }
[[ "$THP" == madvise || "$THP" == never ]] || { echo "apply.sh: --thp must be madvise or never" >&2; exit 2; }
[[ -z "$ROOT" || -d "$ROOT" ]] || { echo "apply.sh: --root $ROOT is not a directory" >&2; exit 2; }
for step in ${STEPS//,/ }; do
  contains "governor thp hugepages irq swappiness cmdline" "$step" || { echo "apply.sh: unknown step '$step'" >&2; exit 2; }
done

ONLINE=$(online_cpus)
[[ -n "$CORES" ]] || CORES=$(default_hot_cores)
CORES_LIST=$(cpulist_format $CORES)
CHANGES=0
FAILURES=0

say() { printf '%-11s %s\n' "$1" "$2"; }

# change STEP WHAT PATH VALUE: write VALUE to PATH (below $ROOT) with --yes, else say it would.
change() {
  local step=$1 what=$2 path="$ROOT$3" value=$4
  CHANGES=$((CHANGES + 1))
  if ((!YES)); then
    say "$step" "would change $what"
  elif { printf '%s\n' "$value" >"$path"; } 2>/dev/null; then
    say "$step" "changed $what"
  else
    say "$step" "FAILED to change $what (cannot write $3: read-only here, or the kernel refused)"
    FAILURES=$((FAILURES + 1))
  fi
}

step_governor() {
  local cpu file current
  for cpu in $CORES; do
    file=/sys/devices/system/cpu/cpu$cpu/cpufreq/scaling_governor
    if ! current=$(read_file "$file"); then
      say governor "cpu$cpu: no cpufreq (VM or no driver): nothing to set"
    elif [[ "$current" == performance ]]; then
      say governor "ok: cpu$cpu already performance"
    elif ! grep -qw performance "$ROOT/sys/devices/system/cpu/cpu$cpu/cpufreq/scaling_available_governors" 2>/dev/null; then
      say governor "cpu$cpu: $current, and the driver offers no performance governor"
    else
      change governor "cpu$cpu governor $current -> performance" "$file" performance
    fi
  done
}

step_thp() {
  local setting file raw current
  for setting in enabled defrag; do
    file=/sys/kernel/mm/transparent_hugepage/$setting
    if ! raw=$(read_file "$file"); then
      say thp "$setting: not exposed: nothing to set"
      continue
    fi
    current=$(selected "$raw")
    if [[ "$current" == always ]]; then
      change thp "transparent_hugepage/$setting always -> $THP" "$file" "$THP"
    elif [[ "$current" == never && $setting == enabled && "$THP" == madvise ]]; then
      change thp "transparent_hugepage/$setting never -> madvise" "$file" madvise
    else
      say thp "ok: $setting is $current"
    fi
  done
}

step_hugepages() {
  local file=/proc/sys/vm/nr_hugepages current now
  if ! current=$(read_file "$file"); then
    say hugepages "vm.nr_hugepages not exposed: nothing to set"
  elif ((current >= HUGEPAGES)); then
    say hugepages "ok: $current reserved (want $HUGEPAGES)"
  else
    change hugepages "vm.nr_hugepages $current -> $HUGEPAGES" "$file" "$HUGEPAGES"
    if ((YES)) && now=$(read_file "$file") && ((now < HUGEPAGES)); then
      say hugepages "the kernel reserved only $now (memory fragmented): reserve at boot with hugepages=$HUGEPAGES on the kernel command line"
    fi
  fi
}

step_irq() {
  local rest file irq current cpus target moved=0 seen=0 default config banned
  rest=$(minus "$ONLINE" "$CORES")
  if [[ -z "$rest" ]]; then
    say irq "no online core outside $CORES_LIST to move IRQs to: nothing to do"
    return
  fi
  for file in "$ROOT"/proc/irq/[0-9]*/smp_affinity_list; do
    [[ -r "$file" ]] || continue
    seen=$((seen + 1))
    irq=$(basename "$(dirname "$file")")
    current=$(head -n1 "$file")
    cpus=$(cpulist_expand "$current")
    [[ -n "$(intersect "$cpus" "$CORES")" ]] || continue
    target=$(minus "$cpus" "$CORES")
    [[ -n "$target" ]] || target=$rest
    change irq "IRQ $irq affinity $current -> $(cpulist_format $target)" "/proc/irq/$irq/smp_affinity_list" "$(cpulist_format $target)"
    moved=$((moved + 1))
  done
  if ((seen == 0)); then
    say irq "no /proc/irq/*/smp_affinity_list here: nothing to move"
  elif ((moved == 0)); then
    say irq "ok: no IRQ may run on $CORES_LIST"
  fi
  if default=$(read_file /proc/irq/default_smp_affinity); then
    cpus=$(cpu_mask_to_list "$default")
    if [[ -n "$(intersect "$cpus" "$CORES")" ]]; then
      target=$(minus "$cpus" "$CORES"); [[ -n "$target" ]] || target=$rest
      change irq "default_smp_affinity $default -> $(cpu_mask $target) (new IRQs on $(cpulist_format $target))" \
        /proc/irq/default_smp_affinity "$(cpu_mask $target)"
    else
      say irq "ok: default_smp_affinity $default avoids $CORES_LIST"
    fi
  fi
  config=$(irqbalance_config)
  if ! irqbalance_running && [[ ! -e "$config" ]]; then
    say irq "ok: irqbalance neither running nor configured"
    return
  fi
  banned=$(irqbalance_banned)
  if [[ -z "$(minus "$CORES" "$banned")" ]]; then
    say irq "ok: irqbalance already bans $(cpulist_format $banned)"
    return
  fi
  CHANGES=$((CHANGES + 1))
  if ((!YES)); then
    say irq "would set IRQBALANCE_BANNED_CPULIST=$CORES_LIST in ${config#"$ROOT"} and restart irqbalance"
    return
  fi
  if { if grep -q '^[[:space:]]*IRQBALANCE_BANNED_CPULIST=' "$config" 2>/dev/null; then
         sed -i "s/^[[:space:]]*IRQBALANCE_BANNED_CPULIST=.*/IRQBALANCE_BANNED_CPULIST=$CORES_LIST/" "$config"
       else
         printf 'IRQBALANCE_BANNED_CPULIST=%s\n' "$CORES_LIST" >>"$config"
       fi; } 2>/dev/null; then
    say irq "changed ${config#"$ROOT"}: IRQBALANCE_BANNED_CPULIST=$CORES_LIST"
  else
    say irq "FAILED to write ${config#"$ROOT"}"
    FAILURES=$((FAILURES + 1))
    return
  fi
  if [[ -z "$ROOT" ]] && irqbalance_running; then
    if command -v systemctl >/dev/null && systemctl restart irqbalance 2>/dev/null; then
      say irq "restarted irqbalance"
    else
      say irq "could not restart irqbalance: restart it by hand so it reads the banned list"
    fi
  fi
}

step_swappiness() {
  local swap current
  swap=$(meminfo SwapTotal)
  if ! current=$(read_file /proc/sys/vm/swappiness); then
    say swappiness "vm.swappiness not exposed: nothing to set"
  elif [[ -z "$swap" || "$swap" == 0 ]]; then
    say swappiness "ok: no swap configured (vm.swappiness $current does not matter)"
  elif ((current <= SWAPPINESS)); then
    say swappiness "ok: vm.swappiness $current"
  else
    change swappiness "vm.swappiness $current -> $SWAPPINESS" /proc/sys/vm/swappiness "$SWAPPINESS"
  fi
}

step_cmdline() {
  local want="isolcpus=managed_irq,domain,$CORES_LIST nohz_full=$CORES_LIST rcu_nocbs=$CORES_LIST"
  local lacking
  lacking=$(minus "$CORES" "$(cmdline_cpus isolcpus)")$(minus "$CORES" "$(cmdline_cpus nohz_full)")$(minus "$CORES" "$(cmdline_cpus rcu_nocbs) $(cmdline_cpus nohz_full)")
  if [[ -z "${lacking// /}" ]]; then
    say cmdline "ok: the kernel command line already isolates $CORES_LIST"
    return
  fi
  say cmdline "not changed by this script (needs a reboot). Add to the kernel command line:"
  say "" "  $want"
  say "" "  Debian/Ubuntu: append to GRUB_CMDLINE_LINUX in /etc/default/grub, run update-grub, reboot."
  say "" "  RHEL/Fedora:   grubby --update-kernel=ALL --args=\"$want\", reboot."
  say "" "  Then check: cat /sys/devices/system/cpu/isolated /sys/devices/system/cpu/nohz_full"
}

echo "host ${ROOT:-/}: online CPUs $(cpulist_format $ONLINE); hot cores $CORES_LIST; $( ((YES)) && echo "applying" || echo "dry run (add --yes to apply)")"
if ((YES)) && [[ -z "$ROOT" ]] && ((EUID != 0)); then
  echo "apply.sh: --yes on this host needs root" >&2
  exit 1
fi
for step in ${STEPS//,/ }; do "step_$step"; done
if ((YES)); then
  echo "$CHANGES change(s), $FAILURES failed"
else
  echo "$CHANGES change(s) would be made"
fi
((FAILURES == 0))
