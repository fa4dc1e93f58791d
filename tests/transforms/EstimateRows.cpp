//===- EstimateRows.cpp - the C++ cost model over tuner-log rows ----------===//
//
// Reads `mlpjit-bench --tune-log` rows (one JSON object a line: n, k, gated,
// m, tileM, tileN, stages, splitK, swapAB, clusterM; sm_count, memory_gbs
// optional) on stdin and prints, a line each, estimateMicros(), whether it
// is a candidate and rankMicros(), so check_cost_model_sync.py can hold
// scripts/fit_cost_model.py to the planner it mirrors.
//
//===----------------------------------------------------------------------===//
#include "mlpjit/Transforms/KernelHeuristic.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlpjit;

int main() {
  auto input = llvm::MemoryBuffer::getSTDIN();
  if (!input) {
    llvm::errs() << "estimate-rows: cannot read stdin\n";
    return 1;
  }
  llvm::StringRef rest = (*input)->getBuffer();
  int lineNo = 0;
  while (!rest.empty()) {
    auto [line, tail] = rest.split('\n');
    rest = tail;
    ++lineNo;
    if (line.trim().empty())
      continue;
    llvm::Expected<llvm::json::Value> value = llvm::json::parse(line);
    const llvm::json::Object *row = value ? value->getAsObject() : nullptr;
    auto integer = [&](llvm::StringRef key) {
      return row ? row->getInteger(key) : std::nullopt;
    };
    auto flag = [&](llvm::StringRef key) {
      return row ? row->getBoolean(key) : std::nullopt;
    };
    if (!value || !row || !integer("n") || !integer("k") || !integer("m") ||
        !integer("tileM") || !integer("tileN") || !integer("stages") ||
        !integer("splitK") || !flag("gated") || !flag("swapAB")) {
      if (!value)
        llvm::consumeError(value.takeError());
      llvm::errs() << "<stdin>:" << lineNo
                   << ": not a tuner-log row (n, k, m, tileM, tileN, stages, "
                      "splitK, gated, swapAB)\n";
      return 1;
    }
    GemmProblem p;
    // The GPU the row was timed on (the tuner's since session 28), else the
    // H200 the model was fitted on.
    p.device = DeviceModel::forGpu(int(integer("sm_count").value_or(0)),
                                   row->getNumber("memory_gbs").value_or(0));
    p.n = *integer("n");
    p.k = *integer("k");
    p.epilogue = *flag("gated") ? Epilogue::swiglu : Epilogue::none;
    // Gate/up blocks: the row's, else the planner's default (every log row
    // is a plan valid at it: tiles of whole 2 x 64 or 2 x 16 row pairs).
    p.interleaveRows =
        *flag("gated") ? integer("interleaveRows").value_or(kDefaultGateUpBlock)
                       : 0;
    KernelPlan plan;
    plan.templateName = row->getString("template").value_or("sm90_tma_ws");
    plan.tileM = *integer("tileM");
    plan.tileN = *integer("tileN");
    plan.tileK = 64;
    plan.stages = *integer("stages");
    plan.clusterM = integer("clusterM").value_or(1);
    plan.splitK = *integer("splitK");
    plan.swapAB = *flag("swapAB");
    // Whether the planner lists this plan among its candidates at m tokens
    // (stages aside: the candidate has the deepest ring that fits).
    bool candidate = false;
    for (const KernelPlan &c : sm90Candidates(p, *integer("m")))
      candidate |= c.templateName == plan.templateName &&
                   c.tileM == plan.tileM && c.tileN == plan.tileN &&
                   c.splitK == plan.splitK && c.swapAB == plan.swapAB &&
                   c.clusterM == plan.clusterM;
    llvm::outs() << llvm::format(
        "%.9g %d %.9g\n", estimateMicros(p, plan, *integer("m")),
        int(candidate), rankMicros(p, plan, *integer("m")));
  }
  return 0;
}
