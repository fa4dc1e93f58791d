//===- GpuTensorParallelTest.cpp - TensorParallelMlp on GPUs --------------===//
//
// One GPU: a program with tensorParallel = 1 run through TensorParallelMlp
// (its own one-rank communicator, and a borrowed one) equals Mlp::forward and
// the float64 reference, in a CUDA graph too; misuse is an error that
// launches nothing. Two or more GPUs: one process per GPU, each rank loads
// its shard of one random block with setFullWeights and its all-reduced
// (and reduce-scattered) output must equal the whole block on one GPU.
// Outputs are NaN-poisoned first; ||y - ref|| / ||ref|| <= 1e-2. Skips
// without a CUDA driver and GPU (the N-GPU test: without 2 GPUs).
//
//===----------------------------------------------------------------------===//
#include "GpuTestSupport.h"

#include "mlpjit/ProgramFile.h"
#include "mlpjit/TensorParallel.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char **environ;

using namespace mlpjit;
using namespace mlpjit::testing;

namespace {

std::string errorOf(llvm::Error e) {
  return e ? llvm::toString(std::move(e)) : std::string();
}

/// Device copies of a block's weights, as the pointers setWeights takes.
struct DeviceBlock {
  std::vector<DeviceBuffer> keep;
  WeightPointers ptrs;
};

llvm::Expected<DeviceBlock> uploadBlock(const DeviceContext &ctx,
                                        const HostBlock &w) {
  DeviceBlock b;
  for (auto [t, p] : {std::pair{&w.gate, &b.ptrs.gate},
                      {&w.up, &b.ptrs.up},
                      {&w.down, &b.ptrs.down},
                      {&w.gateBias, &b.ptrs.gateBias},
                      {&w.upBias, &b.ptrs.upBias},
                      {&w.downBias, &b.ptrs.downBias}}) {
    if (t->bits.empty())
      continue;
    auto d = upload(ctx, *t);
    if (!d)
      return d.takeError();
    *p = d->get();
    b.keep.push_back(std::move(*d));
  }
  return b;
}

/// A [count] bf16/fp16 buffer of NaNs (0xffff).
llvm::Expected<DeviceBuffer> poisoned(const DeviceContext &ctx, size_t count) {
  auto b = DeviceBuffer::allocate(ctx, count * 2);
  if (!b)
    return b.takeError();
  const Driver &d = ctx.driver();
  if (auto e = d.check(d.cuMemsetD8(b->ptr(), 0xff, b->size()), "cuMemsetD8"))
    return e;
  // Done before the tests' non-blocking streams read it.
  if (auto e = d.check(d.cuCtxSynchronize(), "cuCtxSynchronize"))
    return e;
  return b;
}

/// Rows [first, first + rows) of a [m, hidden] reference.
std::vector<double> rowsOf(const std::vector<double> &ref, int64_t hidden,
                           int64_t first, int64_t rows) {
  return std::vector<double>(ref.begin() + first * hidden,
                             ref.begin() + (first + rows) * hidden);
}

using GpuTensorParallelTest = GpuContextTest;

TEST_F(GpuTensorParallelTest, OneRankEqualsMlp) {
  BlockShape shape;
  shape.name = "tp1";
  shape.bias = true;
  auto program = compileProgram(shape, context->arch());
  ASSERT_TRUE(bool(program)) << llvm::toString(program.takeError());
  ASSERT_EQ(program->tensorParallel, 1);
  auto id = newNcclUniqueId();
  if (!id)
    GTEST_SKIP() << llvm::toString(id.takeError());
  auto tp = TensorParallelMlp::create(*program, *context, *id, 0);
  ASSERT_TRUE(bool(tp)) << llvm::toString(tp.takeError());
  EXPECT_EQ((*tp)->rank(), 0);
  EXPECT_EQ((*tp)->ranks(), 1);
  auto mlp = Mlp::load(*program, *context);
  ASSERT_TRUE(bool(mlp)) << llvm::toString(mlp.takeError());

  std::mt19937_64 rng(::testing::UnitTest::GetInstance()->random_seed() +
                      std::random_device{}());
  HostBlock w = randomBlock(shape, rng);
  auto block = uploadBlock(*context, w);
  ASSERT_TRUE(bool(block)) << llvm::toString(block.takeError());
  const CUstream s = stream->get();

  // Misuse before weights: an error, nothing launched.
  {
    auto x = poisoned(*context, 16 * shape.hidden);
    auto y = poisoned(*context, 16 * shape.hidden);
    ASSERT_TRUE(x && y);
    EXPECT_NE(errorOf((*tp)->forward(x->get(), y->get(), 16, s))
                  .find("forward before setShardWeights/setFullWeights"),
              std::string::npos);
  }
  ASSERT_OK(mlp->get()->setWeights(block->ptrs, s));
  ASSERT_OK((*tp)->setFullWeights(block->ptrs, s));
  ASSERT_OK(stream->synchronize());

  const int64_t h = shape.hidden;
  auto run = [&](int64_t m, bool graph, bool reduceScatter) {
    SCOPED_TRACE("m = " + std::to_string(m) + (graph ? ", graph" : "") +
                 (reduceScatter ? ", reduce-scatter" : ""));
    HostTensor x = randomTensor(size_t(m * h), 1.0, shape.dtype, rng);
    auto dx = upload(*context, x);
    auto yTp = poisoned(*context, size_t(m * h));
    auto yMlp = poisoned(*context, size_t(m * h));
    ASSERT_TRUE(dx && yTp && yMlp);
    auto launch = [&] {
      return reduceScatter
                 ? (*tp)->forwardReduceScatter(dx->get(), yTp->get(), m, s)
                 : (*tp)->forward(dx->get(), yTp->get(), m, s);
    };
    if (graph) {
      const Driver &d = context->driver();
      CUgraph g = nullptr;
      CUgraphExec exec = nullptr;
      // Destroyed on every path: a graph holding NCCL collectives keeps
      // ncclCommDestroy waiting.
      llvm::scope_exit release([&] {
        if (exec)
          d.cuGraphExecDestroy(exec);
        if (g)
          d.cuGraphDestroy(g);
      });
      // Thread-local, as the bench captures: NCCL's own threads may make
      // CUDA calls that a global capture forbids.
      ASSERT_EQ(d.cuStreamBeginCapture(s, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL),
                CUDA_SUCCESS);
      llvm::Error launched = launch();
      const CUresult ended = d.cuStreamEndCapture(s, &g);
      ASSERT_OK(std::move(launched));
      ASSERT_EQ(ended, CUDA_SUCCESS);
      ASSERT_EQ(d.cuGraphInstantiate(&exec, g, 0), CUDA_SUCCESS);
      ASSERT_EQ(d.cuGraphLaunch(exec, s), CUDA_SUCCESS);
      ASSERT_OK(stream->synchronize());
    } else {
      ASSERT_OK(launch());
    }
    ASSERT_OK(mlp->get()->forward(dx->get(), yMlp->get(), m, s));
    ASSERT_OK(stream->synchronize());
    auto outTp = download(*context, yTp->get(), size_t(m * h));
    auto outMlp = download(*context, yMlp->get(), size_t(m * h));
    ASSERT_TRUE(outTp && outMlp);
    std::vector<double> ref = reference(*program, w, x, m);
    std::vector<double> mlpValues;
    for (uint16_t v : *outMlp)
      mlpValues.push_back(host::fromBits(v, shape.dtype));
    EXPECT_LE(relativeError(*outTp, shape.dtype, mlpValues), 1e-2);
    EXPECT_LE(relativeError(*outTp, shape.dtype, ref), 1e-2);
  };
  for (int64_t m : {1, 5, 16, 17, 129, 300})
    run(m, false, false);
  run(64, true, false);
  run(33, false, true);
  run(300, true, true);

  // Misuse with weights: errors naming the problem; y stays poisoned.
  auto x = poisoned(*context, 300 * h);
  auto y = poisoned(*context, 300 * h);
  ASSERT_TRUE(x && y);
  const TensorParallelMlp &t = **tp;
  EXPECT_NE(errorOf(t.forward(x->get(), y->get(), 0, s))
                .find("M = 0 is outside the compiled token range [1, 300]"),
            std::string::npos);
  EXPECT_NE(errorOf(t.forward(x->get(), y->get(), 301, s)).find("M = 301"),
            std::string::npos);
  EXPECT_NE(errorOf(t.forward(nullptr, y->get(), 4, s)).find("null pointer"),
            std::string::npos);
  EXPECT_NE(errorOf(t.forwardReduceScatter(x->get(), nullptr, 4, s))
                .find("null pointer"),
            std::string::npos);
  EXPECT_NE(
      errorOf(t.forward(x->get(), static_cast<char *>(y->get()) + 2, 4, s))
          .find("16-byte aligned"),
      std::string::npos);
  EXPECT_NE(errorOf(t.allReduce(y->get(), 0, s)).find("M = 0"),
            std::string::npos);
  ASSERT_OK(stream->synchronize());
  auto untouched = download(*context, y->get(), size_t(300 * h));
  ASSERT_TRUE(bool(untouched));
  EXPECT_TRUE(llvm::all_of(*untouched, [](uint16_t v) { return v == 0xffff; }))
      << "a rejected call wrote y";

  // Weights: rank 0 alone adds the down bias, which is then required.
  WeightPointers noDownBias = block->ptrs;
  noDownBias.downBias = nullptr;
  EXPECT_NE(errorOf((*tp)->setFullWeights(noDownBias, s))
                .find("the down bias is required"),
            std::string::npos);
  EXPECT_NE(errorOf((*tp)->setShardWeights(noDownBias, s)).find("biases"),
            std::string::npos);

  // create: the rank must be in the world; load: the communicator must match.
  auto badRank = TensorParallelMlp::create(*program, *context, *id, 1);
  ASSERT_FALSE(bool(badRank));
  EXPECT_NE(
      llvm::toString(badRank.takeError()).find("rank 1 is outside [0, 1)"),
      std::string::npos);
  auto borrowed =
      TensorParallelMlp::load(*program, *context, (*tp)->communicator());
  ASSERT_TRUE(bool(borrowed)) << llvm::toString(borrowed.takeError());
  EXPECT_EQ((*borrowed)->rank(), 0);
  ASSERT_OK((*borrowed)->setShardWeights(block->ptrs, s));
  ASSERT_OK((*borrowed)->forward(x->get(), y->get(), 300, s));
  ASSERT_OK(stream->synchronize());
  MlpProgram twoWays = *program;
  twoWays.tensorParallel = 2;
  auto mismatch =
      TensorParallelMlp::load(twoWays, *context, (*tp)->communicator());
  ASSERT_FALSE(bool(mismatch));
  EXPECT_NE(llvm::toString(mismatch.takeError())
                .find("the communicator has 1 ranks, the program is a shard "
                      "for 2"),
            std::string::npos);
  auto null = TensorParallelMlp::load(*program, *context, nullptr);
  ASSERT_FALSE(bool(null));
  EXPECT_NE(llvm::toString(null.takeError()).find("null NCCL communicator"),
            std::string::npos);
}

//===----------------------------------------------------------------------===//
// N GPUs: one process per rank
//===----------------------------------------------------------------------===//

// What the parent hands each rank (environment of the spawned process).
constexpr const char *kRankEnv = "MLPJIT_TP_TEST_RANK";
constexpr const char *kRanksEnv = "MLPJIT_TP_TEST_RANKS";
constexpr const char *kIdEnv = "MLPJIT_TP_TEST_ID";
constexpr const char *kSeedEnv = "MLPJIT_TP_TEST_SEED";
// A folder with the programs (whole.json, shard.json) and, from each rank,
// rank<r>.txt (results) and rank<r>.log (its output).
constexpr const char *kDirEnv = "MLPJIT_TP_TEST_DIR";
constexpr int64_t kShardIntermediate = 128;

/// The block the N-GPU test splits, and one rank's shard of it.
BlockShape wholeBlock(int ranks) {
  BlockShape whole;
  whole.name = "tp_whole";
  whole.bias = true;
  whole.intermediate = ranks * kShardIntermediate;
  return whole;
}
BlockShape shardBlock(int ranks) {
  BlockShape shard = wholeBlock(ranks);
  shard.name = "tp_shard";
  shard.intermediate = kShardIntermediate;
  return shard;
}

// Ranks run as fresh processes (this binary, exec'ed with a filter for the
// worker below): fork alone would hand them a CUDA already initialized by
// the tests before, which a child cannot use.
TEST_F(GpuTensorParallelTest, RanksMatchOneGpu) {
  int gpus = 0;
  ASSERT_EQ(context->driver().cuDeviceGetCount(&gpus), CUDA_SUCCESS);
  if (gpus < 2)
    GTEST_SKIP() << "needs 2 GPUs, " << gpus << " visible";
  const int ranks = std::min(gpus, 8);
  auto id = newNcclUniqueId(); // its bootstrap root lives in this process
  ASSERT_TRUE(bool(id)) << llvm::toString(id.takeError());
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("mlpjit-tp-test", dir));
  llvm::scope_exit removeDir([&] { llvm::sys::fs::remove_directories(dir); });
  // Compiled once here, read by every rank.
  auto whole = compileProgram(wholeBlock(ranks), context->arch());
  ASSERT_TRUE(bool(whole)) << llvm::toString(whole.takeError());
  auto shard = compileProgram(shardBlock(ranks), context->arch());
  ASSERT_TRUE(bool(shard)) << llvm::toString(shard.takeError());
  shard->tensorParallel = ranks;
  ASSERT_OK(writeProgramFile(*whole, (dir + "/whole.json").str()));
  ASSERT_OK(writeProgramFile(*shard, (dir + "/shard.json").str()));
  const std::string seed =
      std::to_string(::testing::UnitTest::GetInstance()->random_seed() +
                     std::random_device{}());
  // The parent needs no GPU from here on; rank 0 gets GPU 0 to itself
  // (exclusive-process compute mode, memory).
  stream.reset();
  context.reset();

  std::vector<pid_t> pids(ranks, 0);
  bool spawnFailed = false;
  std::vector<std::string> logs(ranks), outs(ranks);
  for (int r = 0; r < ranks; ++r) {
    logs[r] = (dir + "/rank" + llvm::Twine(r) + ".log").str();
    outs[r] = (dir + "/rank" + llvm::Twine(r) + ".txt").str();
    std::vector<std::string> env;
    // Not gtest's own settings: a rank must neither write the parent's
    // XML report nor be sharded away.
    for (char **e = environ; *e; ++e)
      if (!llvm::StringRef(*e).starts_with("GTEST_"))
        env.push_back(*e);
    env.push_back(std::string(kRankEnv) + "=" + std::to_string(r));
    env.push_back(std::string(kRanksEnv) + "=" + std::to_string(ranks));
    env.push_back(std::string(kIdEnv) + "=" + id->toHex());
    env.push_back(std::string(kSeedEnv) + "=" + seed);
    env.push_back(std::string(kDirEnv) + "=" + dir.str().str());
    std::vector<char *> envp, argv;
    for (std::string &e : env)
      envp.push_back(e.data());
    envp.push_back(nullptr);
    std::string exe = "/proc/self/exe",
                filter = "--gtest_filter=TensorParallelRankWorker.DISABLED_Run",
                disabled = "--gtest_also_run_disabled_tests";
    argv = {exe.data(), filter.data(), disabled.data(), nullptr};
    posix_spawn_file_actions_t io;
    posix_spawn_file_actions_init(&io);
    posix_spawn_file_actions_addopen(&io, STDOUT_FILENO, logs[r].c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&io, STDOUT_FILENO, STDERR_FILENO);
    int rc = posix_spawn(&pids[r], exe.c_str(), &io, nullptr, argv.data(),
                         envp.data());
    posix_spawn_file_actions_destroy(&io);
    if (rc != 0) {
      pids[r] = 0;
      spawnFailed = true;
      ADD_FAILURE() << "posix_spawn of rank " << r << ": " << strerror(rc);
      break;
    }
  }

  // Wait for every rank; a failed or stuck rank would leave the others
  // waiting in a collective, so one failure (or the deadline) ends them all.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(480);
  std::vector<int> status(ranks, -1);
  int running = int(llvm::count_if(pids, [](pid_t p) { return p > 0; }));
  bool killed = false;
  while (running > 0) {
    for (int r = 0; r < ranks; ++r) {
      int st = 0;
      if (pids[r] > 0 && waitpid(pids[r], &st, WNOHANG) == pids[r]) {
        pids[r] = 0;
        status[r] = st;
        --running;
      }
    }
    bool failed = llvm::any_of(status, [](int st) {
      return st != -1 && !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    });
    if (!killed && (failed || spawnFailed ||
                    std::chrono::steady_clock::now() > deadline)) {
      for (pid_t p : pids)
        if (p > 0)
          kill(p, SIGKILL);
      killed = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  for (int r = 0; r < ranks; ++r) {
    SCOPED_TRACE("rank " + std::to_string(r));
    auto log = llvm::MemoryBuffer::getFile(logs[r]);
    std::string logText = log ? (*log)->getBuffer().str() : "(no log)";
    const int st = status[r];
    if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
      ADD_FAILURE() << "rank " << r << " "
                    << (st == -1          ? std::string("did not start")
                        : WIFSIGNALED(st) ? "was killed by signal " +
                                                std::to_string(WTERMSIG(st))
                                          : "exited with status " +
                                                std::to_string(WEXITSTATUS(st)))
                    << (killed ? " (ranks are stopped after a failure or "
                                 "the deadline)"
                               : "")
                    << "; its output:\n"
                    << logText;
    auto results = llvm::MemoryBuffer::getFile(outs[r]);
    ASSERT_TRUE(bool(results)) << "rank " << r << " wrote no results\n"
                               << logText;
    // Lines: "<what> <m> <relative error>", each <= 1e-2 (NaN fails).
    llvm::SmallVector<llvm::StringRef> lines;
    (*results)->getBuffer().trim().split(lines, '\n');
    EXPECT_GE(lines.size(), 10u) << (*results)->getBuffer().str();
    for (llvm::StringRef line : lines) {
      double err = std::strtod(line.rsplit(' ').second.str().c_str(), nullptr);
      EXPECT_LE(err, 1e-2) << line.str();
    }
  }
}

/// One rank of RanksMatchOneGpu (only run by it, through the environment).
TEST(TensorParallelRankWorker, DISABLED_Run) {
  const char *rankText = std::getenv(kRankEnv);
  if (!rankText)
    GTEST_SKIP() << "runs only as a rank of RanksMatchOneGpu";
  const int rank = std::atoi(rankText);
  const int ranks = std::atoi(std::getenv(kRanksEnv));
  auto id = NcclUniqueId::fromHex(std::getenv(kIdEnv));
  ASSERT_TRUE(bool(id)) << llvm::toString(id.takeError());
  std::mt19937_64 rng(std::strtoull(std::getenv(kSeedEnv), nullptr, 10));
  auto ctx = DeviceContext::create(rank);
  ASSERT_TRUE(bool(ctx)) << llvm::toString(ctx.takeError());
  const DeviceContext &c = **ctx;
  auto st = Stream::create(c);
  ASSERT_TRUE(bool(st)) << llvm::toString(st.takeError());
  const CUstream s = (*st)->get();

  // The whole block, and rank `rank`'s shard of it. Same seed on every
  // rank: the same weights and inputs everywhere.
  const std::string dir = std::getenv(kDirEnv);
  const BlockShape whole = wholeBlock(ranks);
  auto wholeProgram = readProgramFile(dir + "/whole.json");
  ASSERT_TRUE(bool(wholeProgram)) << llvm::toString(wholeProgram.takeError());
  auto shard = readProgramFile(dir + "/shard.json");
  ASSERT_TRUE(bool(shard)) << llvm::toString(shard.takeError());
  ASSERT_EQ(shard->tensorParallel, ranks);
  HostBlock w = randomBlock(whole, rng);
  auto block = uploadBlock(c, w);
  ASSERT_TRUE(bool(block)) << llvm::toString(block.takeError());
  auto one = Mlp::load(*wholeProgram, c);
  ASSERT_TRUE(bool(one)) << llvm::toString(one.takeError());
  ASSERT_OK((*one)->setWeights(block->ptrs, s));
  auto tp = TensorParallelMlp::create(*shard, c, *id, rank);
  ASSERT_TRUE(bool(tp)) << llvm::toString(tp.takeError());
  ASSERT_EQ((*tp)->rank(), rank);
  ASSERT_OK((*tp)->setFullWeights(block->ptrs, s));

  std::error_code ec;
  llvm::raw_fd_ostream out(dir + "/rank" + std::to_string(rank) + ".txt", ec);
  ASSERT_FALSE(ec) << ec.message();
  const int64_t h = whole.hidden;
  auto check = [&](int64_t m, bool reduceScatter) {
    HostTensor x = randomTensor(size_t(m * h), 1.0, whole.dtype, rng);
    auto dx = upload(c, x);
    const int64_t rows = reduceScatter ? m / ranks : m;
    auto y = poisoned(c, size_t(rows * h));
    auto yOne = poisoned(c, size_t(m * h));
    ASSERT_TRUE(dx && y && yOne);
    ASSERT_OK(reduceScatter
                  ? (*tp)->forwardReduceScatter(dx->get(), y->get(), m, s)
                  : (*tp)->forward(dx->get(), y->get(), m, s));
    ASSERT_OK((*one)->forward(dx->get(), yOne->get(), m, s));
    ASSERT_OK((*st)->synchronize());
    auto got = download(c, y->get(), size_t(rows * h));
    auto single = download(c, yOne->get(), size_t(m * h));
    ASSERT_TRUE(got && single);
    std::vector<double> oneValues, ref = reference(*wholeProgram, w, x, m);
    for (uint16_t v : *single)
      oneValues.push_back(host::fromBits(v, whole.dtype));
    const int64_t first = reduceScatter ? rank * rows : 0;
    const char *what = reduceScatter ? "reduce_scatter" : "all_reduce";
    out << what << "_vs_one_gpu " << m << " "
        << relativeError(*got, whole.dtype, rowsOf(oneValues, h, first, rows))
        << "\n";
    out << what << "_vs_float64 " << m << " "
        << relativeError(*got, whole.dtype, rowsOf(ref, h, first, rows))
        << "\n";
  };
  for (int64_t m : {1, 5, 16, 17, 300})
    check(m, false);
  for (int64_t m : {int64_t(ranks), int64_t(ranks) * 37})
    check(m, true);
}

} // namespace
