//===- TensorParallelBench.cpp - mlpjit-bench --tp N ----------------------===//
#include "TensorParallelBench.h"

#include "DeviceMlp.h"
#include "Timing.h"
#include "TokenCounts.h"

#include "mlpjit/FileOutput.h"
#include "mlpjit/Pipeline/Compile.h"
#include "mlpjit/TensorParallel.h"
#include "mlpjit/Transforms/KernelHeuristic.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <functional>
#include <optional>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace mlpjit;
using namespace mlpjit::harness;

namespace {

/// How long the ranks of one --tp run may take in all (compile, check and
/// time every token count) before a hung rank is presumed.
constexpr int kRankDeadlineS = 540;

llvm::Error fail(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg.str());
}

struct TpRow {
  int64_t m;
  double mlpjitUs, baselineUs, allReduceUs, shardMlpUs, relErr;
};

/// The whole of one rank: compile and load its shard, check it against
/// cuBLASLt + the same all-reduce, then time mlpjit's forward, the baseline,
/// the all-reduce alone and the shard MLP alone. Rank 0 reports.
llvm::Error runRank(const TensorParallelBenchOptions &o,
                    llvm::ArrayRef<int64_t> tokens, int rank,
                    const NcclUniqueId &id) {
  llvm::raw_ostream &log = rank == 0 ? llvm::errs() : llvm::nulls();
  auto session = GpuSession::open(rank);
  if (!session)
    return session.takeError();
  GpuSession &gpu = **session;
  const Driver &d = gpu.driver();
  const CUstream stream = gpu.stream();

  // llama-3-70b's MLP, sharded by the compiler (mlp-shard-tensor-parallel).
  MlpSpec spec;
  spec.name = "llama_3_70b";
  spec.hidden = 8192;
  spec.intermediate = 28672;
  spec.activation = Activation::swiglu;
  spec.dtype = DType::bf16;
  coverTokens(spec, tokens);
  spec.arch = o.arch;
  if (auto e = setTensorParallel(spec, o.ranks))
    return e;
  log << "[llama-3-70b tp" << o.ranks << "] compiling the shard...\n";
  CompileOptions copts;
  copts.cubin = true;
  if (!o.tuningFile.empty())
    copts.tuningFile = o.tuningFile;
  auto compiled = compileMlp(spec, copts);
  if (!compiled)
    return compiled.takeError();
  MlpProgram program = toProgram(*compiled);
  if (program.tensorParallel != o.ranks)
    return fail("the compiler returned a program for tensorParallel " +
                llvm::Twine(program.tensorParallel) + ", not " +
                llvm::Twine(o.ranks));

  // This rank's slices: random, a different part of one block per rank.
  MlpSpec shardSpec = spec;
  shardSpec.intermediate = program.intermediate;
  shardSpec.tensorParallel = 1;
  std::vector<DeviceArray> storage;
  auto w = randomWeights(gpu, shardSpec, 17 + 1000ull * rank, storage);
  if (!w)
    return w.takeError();
  if (rank != 0)
    w->downBias = 0; // rank 0 alone adds it (none in llama anyway)
  auto tp = TensorParallelMlp::create(program, gpu.context(), id, rank);
  if (!tp)
    return tp.takeError();
  TensorParallelMlp &mlp = **tp;
  auto ptr = [](CUdeviceptr p) { return reinterpret_cast<const void *>(p); };
  if (auto e = mlp.setShardWeights({ptr(w->gate), ptr(w->up), ptr(w->down),
                                    ptr(w->gateBias), ptr(w->upBias),
                                    ptr(w->downBias)},
                                   stream))
    return e;
  const int64_t h = spec.hidden, i = program.intermediate;
  CublasLtMlp baseline(gpu.gemm(spec.dtype), gpu.kernels(), spec.dtype,
                       toEpilogue(spec.activation), h, i);

  std::vector<TpRow> rows;
  for (int64_t m : tokens) {
    log << "[llama-3-70b tp" << o.ranks << "] M=" << m << ": check";
    // Inputs and outputs rotate as in the single-GPU bench; x is the same
    // on every rank (seeds without the rank).
    auto buffers =
        TimingBuffers::forPoint(gpu, baseline, spec.dtype, m, h, stream);
    if (!buffers)
      return buffers.takeError();
    const TimingBuffers &b = *buffers;
    const CUdeviceptr yRef = b.yRef.ptr(), scratch = b.scratch.ptr();
    auto x = [&](int r) { return b.x(r); };
    auto y = [&](int r) { return b.y(r); };
    auto forward = [&](CUdeviceptr yOut, int r) {
      return mlp.forward(ptr(x(r)), reinterpret_cast<void *>(yOut), m, stream);
    };
    auto cublasNccl = [&](CUdeviceptr yOut, int r) -> llvm::Error {
      if (auto e = baseline.merged(*w, x(r), yOut, m, scratch, stream))
        return e;
      return mlp.allReduce(reinterpret_cast<void *>(yOut), m, stream);
    };

    // Correctness first, on every rank: the summed outputs agree.
    if (auto e = gpu.kernels().poison(y(0), size_t(m) * h, stream))
      return e;
    if (auto e = gpu.kernels().poison(yRef, size_t(m) * h, stream))
      return e;
    if (auto e = forward(y(0), 0))
      return e;
    if (auto e = cublasNccl(yRef, 0))
      return e;
    auto err = relativeError(gpu, y(0), yRef, size_t(m) * h, spec.dtype);
    if (!err)
      return err.takeError();
    if (!(*err <= 1e-2))
      return fail("M=" + llvm::Twine(m) +
                  ": mlpjit + all-reduce differs from cuBLASLt + all-reduce: "
                  "relative error " +
                  llvm::formatv("{0:e}", *err).str());

    // Every rank must replay the same graphs (each holds an all-reduce), so
    // the settle is a count all ranks compute alike from the shape, not a
    // time each one measures: settleMs over the shard MLP's floor on the
    // model device (weights or MMAs, whichever is slower), which a forward
    // cannot beat, so the settle lasts at least settleMs.
    const DeviceModel dev;
    // One weight copy: llama-3-70b's shards are 3x the L2 and more at up to
    // eight ranks.
    const int perGraph = TimingBuffers::callsPerGraph(1);
    const double floorUs =
        std::max(6.0 * double(m * h * i) / (dev.mmaTflops * 1e6),
                 6.0 * double(h * i) / (dev.hbmGBs * 1e3));
    const int settleReplays =
        o.settleMs > 0
            ? int(std::clamp(std::ceil(1e3 * o.settleMs / (perGraph * floorUs)),
                             1.0, 100000.0))
            : 0;
    // Interleaved, as the single-GPU bench times its variants: one replay of
    // each per rep in a shuffled order, so all four share the clock (timed
    // one after another, the shard alone read 4% slower than the forward
    // that contains it on one H100, session 35). The shuffle's seed is fixed,
    // so every rank replays the same graphs in the same order and the
    // all-reduces pair up.
    log << ", timing";
    std::function<llvm::Error(int)> variants[] = {
        [&](int r) { return forward(y(r), r); },
        [&](int r) { return cublasNccl(y(r), r); },
        [&](int r) {
          return mlp.allReduce(reinterpret_cast<void *>(y(r)), m, stream);
        },
        [&](int r) {
          return mlp.shardMlp().forward(
              ptr(x(r)), reinterpret_cast<void *>(y(r)), m, stream);
        }};
    auto t = timeInterleaved(d, stream, variants, perGraph, o.warmup, o.reps,
                             /*settleMs=*/0, settleReplays);
    if (!t)
      return t.takeError();
    log << "\n";
    rows.push_back({m, (*t)[0].medianUs, (*t)[1].medianUs, (*t)[2].medianUs,
                    (*t)[3].medianUs, *err});
  }
  if (rank != 0)
    return llvm::Error::success();

  llvm::raw_ostream &os = llvm::outs();
  os << gpu.name() << " x" << o.ranks
     << ", llama-3-70b MLP (8192 x 28672, swiglu, bf16), each rank "
     << spec.hidden << " x " << i << "; times of rank 0, median us\n";
  os << llvm::format("%4s %6s %10s %12s %8s %12s %10s\n", "N", "M", "mlpjit",
                     "cublas+nccl", "speedup", "allreduce", "shard_mlp");
  for (const TpRow &r : rows)
    os << llvm::format("%4d %6lld %10.1f %12.1f %8.2f %12.1f %10.1f\n", o.ranks,
                       (long long)r.m, r.mlpjitUs, r.baselineUs,
                       r.baselineUs / r.mlpjitUs, r.allReduceUs, r.shardMlpUs);
  os.flush();
  if (o.jsonPath.empty())
    return llvm::Error::success();
  llvm::json::Array arr;
  for (const TpRow &r : rows)
    arr.push_back(llvm::json::Object{{"M", r.m},
                                     {"mlpjit_us", r.mlpjitUs},
                                     {"cublaslt_nccl_us", r.baselineUs},
                                     {"all_reduce_us", r.allReduceUs},
                                     {"shard_mlp_us", r.shardMlpUs},
                                     {"rel_err", r.relErr}});
  llvm::json::Object top{{"device", gpu.name()},
                         {"tensor_parallel", o.ranks},
                         {"shape", "llama-3-70b"},
                         {"hidden", spec.hidden},
                         {"intermediate", spec.intermediate},
                         {"shard_intermediate", i},
                         {"rows", std::move(arr)}};
  return writeFileAtomically(o.jsonPath, [&](llvm::raw_ostream &file) {
    file << llvm::formatv("{0:2}", llvm::json::Value(std::move(top))) << "\n";
  });
}

/// cuDeviceGetCount, asked in a child process so that this one stays free
/// of CUDA; -1 (after printing why) without a driver.
int countGpus() {
  pid_t pid = fork();
  if (pid == 0) {
    auto driver = Driver::get();
    int gpus = 0;
    if (!driver)
      llvm::errs() << "mlpjit-bench: error: "
                   << llvm::toString(driver.takeError()) << "\n";
    else if (driver->cuDeviceGetCount(&gpus) != CUDA_SUCCESS)
      llvm::errs() << "mlpjit-bench: error: cuDeviceGetCount failed\n";
    else
      _exit(std::min(gpus, 254));
    _exit(255);
  }
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
      WEXITSTATUS(status) == 255)
    return -1;
  return WEXITSTATUS(status);
}

/// Reads the unique id the parent writes; false when the parent gave up.
bool readId(int fd, NcclUniqueId &id) {
  size_t got = 0;
  while (got < id.bytes.size()) {
    ssize_t n = read(fd, id.bytes.data() + got, id.bytes.size() - got);
    if (n <= 0)
      return false;
    got += size_t(n);
  }
  return true;
}

} // namespace

int mlpjit::harness::runTensorParallelBench(const TensorParallelBenchOptions &o,
                                            llvm::ArrayRef<int64_t> tokens) {
  if (o.ranks < 1 || o.ranks > MlpProgram::kMaxTensorParallel) {
    llvm::errs() << "mlpjit-bench: error: --tp must be in [1, "
                 << MlpProgram::kMaxTensorParallel << "]\n";
    return 1;
  }
  // Fork first: CUDA (and NCCL's threads) must not exist in the parent.
  llvm::outs().flush();
  const int gpus = countGpus();
  if (gpus < 0)
    return 1;
  if (o.ranks > gpus) {
    llvm::errs() << "mlpjit-bench: error: --tp " << o.ranks << " needs "
                 << o.ranks << " GPUs (one per rank), this machine has " << gpus
                 << "\n";
    return 1;
  }
  std::vector<pid_t> pids;
  std::vector<int> writeEnds;
  for (int rank = 0; rank < o.ranks; ++rank) {
    int fds[2];
    if (pipe(fds) != 0) {
      perror("mlpjit-bench: pipe");
      return 1;
    }
    pid_t pid = fork();
    if (pid < 0) {
      perror("mlpjit-bench: fork");
      return 1;
    }
    if (pid == 0) {
      close(fds[1]);
      for (int w : writeEnds)
        close(w);
      NcclUniqueId id;
      int code = 1;
      if (readId(fds[0], id)) {
        llvm::Error e = runRank(o, tokens, rank, id);
        code = e ? 1 : 0;
        if (e)
          llvm::errs() << "mlpjit-bench: rank " << rank
                       << ": error: " << llvm::toString(std::move(e)) << "\n";
      }
      llvm::outs().flush();
      _exit(code); // not exit(): the parent's atexit handlers are its own
    }
    close(fds[0]);
    pids.push_back(pid);
    writeEnds.push_back(fds[1]);
  }

  // The id's bootstrap root runs in this process while the ranks connect.
  std::optional<NcclUniqueId> id;
  if (auto made = newNcclUniqueId())
    id = *made;
  else
    llvm::errs() << "mlpjit-bench: error: " << llvm::toString(made.takeError())
                 << "\n";
  for (int w : writeEnds) {
    if (id && write(w, id->bytes.data(), id->bytes.size()) !=
                  ssize_t(id->bytes.size()))
      perror("mlpjit-bench: write");
    close(w); // without an id, the ranks read EOF and exit
  }

  // One failed rank would leave the others in a collective: stop them. A
  // rank stuck for another reason must not hold the GPUs forever either:
  // after the deadline every rank gets SIGTERM, then SIGKILL.
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::seconds(kRankDeadlineS);
  std::optional<Clock::time_point> killAt;
  auto signalAll = [&](int sig) {
    for (pid_t p : pids)
      if (p > 0)
        kill(p, sig);
  };
  bool ok = id.has_value();
  for (size_t left = pids.size(); left > 0;) {
    int status = 0;
    pid_t done = waitpid(-1, &status, WNOHANG);
    if (done < 0)
      break;
    if (done == 0) {
      if (!killAt && Clock::now() > deadline) {
        llvm::errs() << "mlpjit-bench: --tp: ranks still running after "
                     << kRankDeadlineS << " s: stopping them\n";
        ok = false;
        signalAll(SIGTERM);
        killAt = Clock::now() + std::chrono::seconds(5);
      } else if (killAt && Clock::now() > *killAt) {
        signalAll(SIGKILL);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    --left;
    for (pid_t &p : pids)
      if (p == done)
        p = 0;
    if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0) && ok) {
      ok = false;
      signalAll(SIGTERM);
    }
  }
  return ok ? 0 : 1;
}
