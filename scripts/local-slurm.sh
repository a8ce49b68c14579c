#!/usr/bin/env bash
# A real single-node Slurm cluster in a private folder, for the shard tests and for trying
# examples/slurm/refine.sbatch on one machine. Nothing under /etc is changed: the daemons read
# the generated slurm.conf through SLURM_CONF and talk through their own munge socket and ports.
#
#   scripts/local-slurm.sh install          # Debian's slurmctld, slurmd, slurm-client, munge (as root)
#   scripts/local-slurm.sh start <dir>      # prints: export SLURM_CONF=<dir>/slurm.conf
#   scripts/local-slurm.sh stop <dir>
set -euo pipefail

command=${1:-}
dir=${2:-}

install_packages() {
  if command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null && command -v munged >/dev/null; then
    return 0
  fi
  if [[ $(id -u) -ne 0 ]]; then
    echo "local-slurm: slurmctld, slurmd, sbatch and munged are needed; install them as root: apt-get install slurmctld slurmd slurm-client munge" >&2
    return 1
  fi
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null) \
    || { echo "local-slurm: apt-get install slurmctld slurmd slurm-client munge failed" >&2; return 1; }
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

start() {
  install_packages
  [[ $(id -u) -eq 0 ]] || { echo "local-slurm: start the daemons as root (slurmd runs jobs as their submitter)" >&2; exit 1; }
  mkdir -p "$dir"/{state,spool,munge,log}
  dir=$(cd "$dir" && pwd)
  local host cpus memory ctld_port d_port
  host=$(hostname -s)
  cpus=$(nproc)
  memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))
  ctld_port=$(free_port)
  d_port=$(free_port)

  # munge: a key of our own, so no system-wide munged or key is needed or touched.
  if [[ ! -s "$dir/munge/munge.key" ]]; then
    dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  fi
  chmod 700 "$dir/munge"
  chmod 400 "$dir/munge/munge.key"
  munged --force --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munge.seed"

  cat >"$dir/slurm.conf" <<EOF
ClusterName=refinery-local
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
MaxArraySize=1001
NodeName=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
EOF
  export SLURM_CONF="$dir/slurm.conf"
  slurmctld -c -f "$SLURM_CONF"
  slurmd -c -f "$SLURM_CONF"
  for _ in $(seq 1 60); do
    if sinfo -h -o '%t' 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
      echo "export SLURM_CONF=$SLURM_CONF"
      return 0
    fi
    sleep 1
  done
  echo "local-slurm: the node did not come up within 60 s; logs in $dir/log" >&2
  tail -n 20 "$dir"/log/*.log >&2 || true
  stop
  exit 1
}

stop() {
  for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
    if [[ -s $pidfile ]]; then
      kill "$(cat "$pidfile")" 2>/dev/null || true
    fi
  done
  # Jobs still running belong to this cluster only; give the daemons a moment to go.
  sleep 1
}

case "$command" in
  install) install_packages ;;
  start) [[ -n $dir ]] || { echo "usage: $0 start <dir>" >&2; exit 2; }; start ;;
  stop) [[ -n $dir ]] || { echo "usage: $0 stop <dir>" >&2; exit 2; }; stop ;;
  *) echo "usage: $0 install | start <dir> | stop <dir>" >&2; exit 2 ;;
esac
