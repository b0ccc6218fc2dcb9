// SimGrid peer of migsim's engine benchmark: drains hosts through SimGrid's
// VM live-migration plugin (src/plugins/vm/VmLiveMigration.cpp, SimGrid 3.32)
// and prints one JSON line with the simulated makespan.
//
// Usage: study <study-file> [SimGrid --cfg/--log options...]
// The study file format is described in README.md beside this file.

#include <simgrid/plugins/live_migration.h>
#include <simgrid/s4u.hpp>
#include <simgrid/s4u/VirtualMachine.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

namespace sg4 = simgrid::s4u;

namespace {

// Every host computes at this speed; only the ratio between a VM's computed
// flops and the host speed matters to the plugin's dirty-page model.
constexpr double kHostSpeedFlops = 1e9;
// Link latency of the cluster (SimGrid's cluster examples use 50us).
constexpr double kLinkLatencyS = 50e-6;
// sg_vm_create_migratable() assumes a working set of 90% of the RAM; the
// plugin caps the bytes re-sent per pre-copy round to it.
constexpr double kWorkingSetFraction = 0.9;
// Long enough that a VM's workload never finishes during a study.
constexpr double kWorkloadDurationS = 1e7;

struct VmSpec {
  std::string name;
  std::string host;
  double memory_bytes;
  double dirty_rate_bytes_per_s;
  int vcpus;
};

struct MigrationSpec {
  std::string vm;
  std::string to;
};

struct RackSpec {
  std::string name;
  double uplink_bytes_per_s;
};

struct Study {
  std::vector<std::string> hosts;
  double link_bytes_per_s = 0;
  int max_outbound_per_host = 0;
  double bandwidth_per_migration_bytes_per_s = 0;
  // `created_vms migrating`: only the VMs named by a `migrate` line are
  // created; the others still size their hosts (see run()).
  bool create_migrating_vms_only = false;
  // `cluster_cap N`: at most N migrations at once in the whole cluster; a
  // dispatcher admits them in study order, as migsim's admission queue does.
  int cluster_cap = 0;
  // `rack NAME UPLINK` then `host NAME RACK`: hosts in racks whose top-of-rack
  // uplink (split duplex) every migration between racks crosses.
  std::vector<RackSpec> racks;
  std::map<std::string, std::string> rack_of_host;
  std::vector<VmSpec> vms;
  std::vector<MigrationSpec> migrations;
};

[[noreturn]] void fail(const std::string& path, int line, const std::string& message)
{
  throw std::runtime_error(path + ":" + std::to_string(line) + ": " + message);
}

Study read_study(const std::string& path)
{
  std::ifstream in(path);
  if (!in)
    throw std::runtime_error(path + ": cannot open the study file");
  Study study;
  std::string line;
  int line_number = 0;
  bool header_seen = false;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty() || line[0] == '#')
      continue;
    std::istringstream fields(line);
    std::string key;
    fields >> key;
    bool ok = true;
    if (!header_seen) {
      int version = 0;
      ok = key == "migsim-simgrid-study" && (fields >> version) && version == 1;
      if (!ok)
        fail(path, line_number, "expected the header 'migsim-simgrid-study 1'");
      header_seen = true;
      continue;
    }
    if (key == "link_bytes_per_sec") {
      ok = static_cast<bool>(fields >> study.link_bytes_per_s) && study.link_bytes_per_s > 0;
    } else if (key == "max_outbound_per_host") {
      ok = static_cast<bool>(fields >> study.max_outbound_per_host) && study.max_outbound_per_host > 0;
    } else if (key == "bandwidth_per_migration_bytes_per_sec") {
      ok = static_cast<bool>(fields >> study.bandwidth_per_migration_bytes_per_s) &&
           study.bandwidth_per_migration_bytes_per_s > 0;
    } else if (key == "created_vms") {
      std::string which;
      if (!(fields >> which) || (which != "all" && which != "migrating"))
        fail(path, line_number, "expected 'created_vms all' or 'created_vms migrating'");
      study.create_migrating_vms_only = which == "migrating";
    } else if (key == "cluster_cap") {
      ok = static_cast<bool>(fields >> study.cluster_cap) && study.cluster_cap > 0;
    } else if (key == "rack") {
      RackSpec rack;
      ok = (fields >> rack.name >> rack.uplink_bytes_per_s) && rack.uplink_bytes_per_s > 0;
      study.racks.push_back(rack);
    } else if (key == "host") {
      std::string name;
      ok = static_cast<bool>(fields >> name);
      study.hosts.push_back(name);
      std::string rack;
      if (ok && (fields >> rack)) {
        ok = std::any_of(study.racks.begin(), study.racks.end(), [&rack](const RackSpec& r) { return r.name == rack; });
        study.rack_of_host[name] = rack;
      }
    } else if (key == "vm") {
      VmSpec vm;
      ok = (fields >> vm.name >> vm.host >> vm.memory_bytes >> vm.dirty_rate_bytes_per_s >> vm.vcpus) &&
           vm.memory_bytes > 0 && vm.dirty_rate_bytes_per_s >= 0 && vm.vcpus > 0;
      study.vms.push_back(vm);
    } else if (key == "migrate") {
      MigrationSpec migration;
      ok = static_cast<bool>(fields >> migration.vm >> migration.to);
      study.migrations.push_back(migration);
    } else {
      fail(path, line_number, "unknown key '" + key + "'");
    }
    std::string extra;
    if (!ok || (fields >> extra))
      fail(path, line_number, "malformed '" + key + "' line");
  }
  if (!header_seen)
    fail(path, line_number, "empty study file");
  if (study.link_bytes_per_s <= 0 || study.max_outbound_per_host <= 0 ||
      study.bandwidth_per_migration_bytes_per_s <= 0)
    fail(path, line_number,
         "link_bytes_per_sec, max_outbound_per_host and bandwidth_per_migration_bytes_per_sec are required");
  return study;
}

struct MigrationTimes {
  double start_s;
  double end_s;
};

std::vector<MigrationTimes> finished_migrations;

// The cluster: a star zone where every host has its own full-duplex private
// link (UP when sending, DOWN when receiving), as in a SimGrid <cluster>
// without a backbone.
void build_cluster(const Study& study, const std::map<std::string, int>& cores_by_host)
{
  auto* zone = sg4::create_star_zone("cluster");
  for (const auto& name : study.hosts) {
    sg4::Host* host = zone->create_host(name, kHostSpeedFlops)->set_core_count(cores_by_host.at(name))->seal();
    const sg4::Link* link =
        zone->create_split_duplex_link(name + "_link", study.link_bytes_per_s)->set_latency(kLinkLatencyS)->seal();
    zone->add_route(host->get_netpoint(), nullptr, nullptr, nullptr,
                    {{link, sg4::LinkInRoute::Direction::UP}}, true);
  }
  zone->seal();
}

// The plugin counts dirtied bytes as (flops computed by the VM) x
// migration_speed x intensity / host_speed, so a VM running one busy vCPU at
// the host's core speed dirties migration_speed x intensity bytes per second.
void vm_workload()
{
  for (;;)
    sg4::this_actor::execute(kHostSpeedFlops * kWorkloadDurationS);
}

void migrate_one(sg4::VirtualMachine* vm, sg4::Host* destination, sg4::SemaphorePtr slots)
{
  double start_s = sg4::Engine::get_clock();
  sg_vm_migrate(vm, destination);
  finished_migrations.push_back({start_s, sg4::Engine::get_clock()});
  slots->release();
}

// The cluster in racks: a star zone per rack (each host with its own
// split-duplex link, UP when sending, DOWN when receiving) whose gateway
// reaches the core, a star zone of racks, through the rack's split-duplex
// uplink; hosts outside every rack hang off the core with their own link.
void build_racked_cluster(const Study& study, const std::map<std::string, int>& cores_by_host)
{
  auto* core = sg4::create_star_zone("core");
  std::map<std::string, sg4::NetZone*> rack_zones;
  for (const auto& rack : study.racks) {
    auto* zone = sg4::create_star_zone(rack.name);
    zone->set_parent(core);
    auto* gateway = zone->create_router(rack.name + "_gw");
    zone->add_route(gateway, nullptr, nullptr, nullptr, {}, true);
    rack_zones[rack.name] = zone;
    const sg4::Link* uplink = core->create_split_duplex_link(rack.name + "_uplink", rack.uplink_bytes_per_s)->seal();
    core->add_route(zone->get_netpoint(), nullptr, gateway, nullptr, {{uplink, sg4::LinkInRoute::Direction::UP}}, true);
  }
  for (const auto& name : study.hosts) {
    auto rack = study.rack_of_host.find(name);
    sg4::NetZone* zone = rack == study.rack_of_host.end() ? core : rack_zones.at(rack->second);
    sg4::Host* host = zone->create_host(name, kHostSpeedFlops)->set_core_count(cores_by_host.at(name))->seal();
    const sg4::Link* link = zone->create_split_duplex_link(name + "_link", study.link_bytes_per_s)->set_latency(kLinkLatencyS)->seal();
    zone->add_route(host->get_netpoint(), nullptr, nullptr, nullptr, {{link, sg4::LinkInRoute::Direction::UP}}, true);
  }
  for (auto& [name, zone] : rack_zones)
    zone->seal();
  core->seal();
}

struct Admission {
  std::vector<std::tuple<sg4::VirtualMachine*, sg4::Host*, std::string>> queue; // vm, destination, source
  std::map<std::string, int> running_from;
  int running = 0;
  sg4::SemaphorePtr ended; // created with the engine
};
Admission admission;

void migrate_admitted(sg4::VirtualMachine* vm, sg4::Host* destination, std::string source)
{
  double start_s = sg4::Engine::get_clock();
  sg_vm_migrate(vm, destination);
  finished_migrations.push_back({start_s, sg4::Engine::get_clock()});
  admission.running -= 1;
  admission.running_from[source] -= 1;
  admission.ended->release();
}

// The cluster cap: one dispatcher admits, in study order, every queued
// migration the cluster and per-host caps allow, then waits for one to end
// (migsim's PendingQueue.admitReady: no head-of-line blocking).
void dispatch(int cluster_cap, int max_outbound)
{
  for (;;) {
    auto& queue = admission.queue;
    for (auto it = queue.begin(); it != queue.end() && admission.running < cluster_cap;) {
      auto& [vm, destination, source] = *it;
      if (admission.running_from[source] >= max_outbound) {
        ++it;
        continue;
      }
      admission.running += 1;
      admission.running_from[source] += 1;
      sg4::Actor::create("migrate:" + vm->get_name(), sg4::Host::by_name(source), migrate_admitted, vm, destination, source);
      it = queue.erase(it);
    }
    if (queue.empty() && admission.running == 0)
      return;
    admission.ended->acquire();
  }
}

// One actor per drained host: starts its VMs' migrations in study order,
// never more than max_outbound at a time.
void drain_host(std::vector<std::pair<sg4::VirtualMachine*, sg4::Host*>> queue, int max_outbound)
{
  auto slots = sg4::Semaphore::create(max_outbound);
  std::vector<sg4::ActorPtr> in_flight;
  for (const auto& [vm, destination] : queue) {
    slots->acquire();
    in_flight.push_back(sg4::Actor::create("migrate:" + vm->get_name(), sg4::this_actor::get_host(), migrate_one, vm,
                                           destination, slots));
  }
  for (auto& actor : in_flight)
    actor->join();
}

void print_result(size_t created_vms)
{
  double makespan_s = 0;
  double min_s = std::numeric_limits<double>::infinity();
  double max_s = 0;
  double sum_s = 0;
  for (const auto& times : finished_migrations) {
    double duration_s = times.end_s - times.start_s;
    makespan_s = std::max(makespan_s, times.end_s);
    min_s = std::min(min_s, duration_s);
    max_s = std::max(max_s, duration_s);
    sum_s += duration_s;
  }
  size_t count = finished_migrations.size();
  if (count == 0)
    min_s = 0;
  std::printf("{\"createdVms\":%zu,\"migrations\":%zu,\"simulatedMakespanS\":%.17g,\"perMigration\":{\"minS\":%.17g,"
              "\"maxS\":%.17g,\"meanS\":%.17g}}\n",
              created_vms, count, makespan_s, min_s, max_s, count == 0 ? 0.0 : sum_s / static_cast<double>(count));
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  // Read by the TypeScript runner when /usr/bin/time is not installed.
  std::fprintf(stderr, "study: peak-rss-kib %ld\n", usage.ru_maxrss);
}

int run(int argc, char** argv)
{
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <study-file> [--cfg=... --log=...]\n", argv[0]);
    return 2;
  }
  Study study = read_study(argv[1]);

  std::vector<char*> engine_args{argv[0]};
  for (int i = 2; i < argc; ++i)
    engine_args.push_back(argv[i]);
  int engine_argc = static_cast<int>(engine_args.size());
  sg4::Engine engine(&engine_argc, engine_args.data());
  sg_vm_live_migration_plugin_init();

  std::map<std::string, const VmSpec*> vm_by_name;
  std::map<std::string, int> cores_by_host;
  for (const auto& host : study.hosts)
    cores_by_host[host] = 0;
  for (const auto& vm : study.vms) {
    if (!cores_by_host.count(vm.host))
      throw std::runtime_error("vm '" + vm.name + "' is on unknown host '" + vm.host + "'");
    if (!vm_by_name.emplace(vm.name, &vm).second)
      throw std::runtime_error("vm '" + vm.name + "' is declared twice");
    cores_by_host[vm.host] += vm.vcpus;
  }
  std::map<std::string, bool> already_migrating;
  for (const auto& migration : study.migrations) {
    auto vm = vm_by_name.find(migration.vm);
    if (vm == vm_by_name.end())
      throw std::runtime_error("migration of unknown vm '" + migration.vm + "'");
    if (!cores_by_host.count(migration.to))
      throw std::runtime_error("migration of '" + migration.vm + "' to unknown host '" + migration.to + "'");
    if (already_migrating[migration.vm])
      throw std::runtime_error("vm '" + migration.vm + "' is migrated twice; one migration per vm is supported");
    already_migrating[migration.vm] = true;
    // Give every VM that ever sits on a host its own cores, so its workload
    // runs at full core speed and its dirty rate is the one of the study.
    cores_by_host[migration.to] += vm->second->vcpus;
  }
  for (auto& [host, cores] : cores_by_host)
    cores = std::max(cores, 1);

  if (study.racks.empty())
    build_cluster(study, cores_by_host);
  else
    build_racked_cluster(study, cores_by_host);

  std::map<std::string, sg4::VirtualMachine*> vms;
  for (const auto& spec : study.vms) {
    // A VM that never migrates changes no migration's outcome: its host's
    // cores already include its vCPUs (so the others are never CPU-starved
    // either way) and links carry only migration traffic. Leaving it out
    // spares SimGrid its workload, which it would otherwise re-share at
    // every event.
    if (study.create_migrating_vms_only && already_migrating.count(spec.name) == 0)
      continue;
    sg4::Host* pm = sg4::Host::by_name(spec.host);
    sg4::VirtualMachine* vm = pm->create_vm(spec.name, spec.vcpus, static_cast<size_t>(spec.memory_bytes));
    sg_vm_set_migration_speed(vm, study.bandwidth_per_migration_bytes_per_s);
    sg_vm_set_dirty_page_intensity(vm, spec.dirty_rate_bytes_per_s / study.bandwidth_per_migration_bytes_per_s);
    sg_vm_set_working_set_memory(vm, static_cast<sg_size_t>(spec.memory_bytes * kWorkingSetFraction));
    vm->start();
    if (spec.dirty_rate_bytes_per_s > 0)
      sg4::Actor::create("workload:" + spec.name, vm, vm_workload)->daemonize();
    vms[spec.name] = vm;
  }

  if (study.cluster_cap > 0) {
    for (const auto& migration : study.migrations)
      admission.queue.emplace_back(vms.at(migration.vm), sg4::Host::by_name(migration.to), vm_by_name.at(migration.vm)->host);
    admission.ended = sg4::Semaphore::create(0);
    sg4::Actor::create("dispatcher", sg4::Host::by_name(study.hosts.front()), dispatch, study.cluster_cap, study.max_outbound_per_host);
    engine.run();
    print_result(vms.size());
    return 0;
  }

  std::map<std::string, std::vector<std::pair<sg4::VirtualMachine*, sg4::Host*>>> queue_by_source;
  std::vector<std::string> source_order;
  for (const auto& migration : study.migrations) {
    const std::string& source = vm_by_name.at(migration.vm)->host;
    if (!queue_by_source.count(source))
      source_order.push_back(source);
    queue_by_source[source].emplace_back(vms.at(migration.vm), sg4::Host::by_name(migration.to));
  }
  for (const auto& source : source_order)
    sg4::Actor::create("drain:" + source, sg4::Host::by_name(source), drain_host, queue_by_source.at(source),
                       study.max_outbound_per_host);

  engine.run();
  print_result(vms.size());
  return 0;
}

} // namespace

int main(int argc, char** argv)
{
  try {
    return run(argc, argv);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "study: %s\n", error.what());
    return 1;
  }
}
