//===- Evaluator.cpp - float64 CPU oracle for the mlp dialect -------------===//
#include "mlpjit/Reference/Evaluator.h"

#include "mlpjit/Dialect/Mlp/MlpOps.h"
#include "mlpjit/HostReference.h"

#include "llvm/ADT/DenseMap.h"

#include <cmath>
#include <limits>
#include <random>

using namespace mlir;
using namespace mlpjit;

HostTensor::HostTensor(std::vector<int64_t> s) : shape(std::move(s)) {
  data.assign(numElements(), 0.0);
}

int64_t HostTensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

double mlpjit::applyActivation(Epilogue kind, double x) {
  assert(!isGated(kind) && "applyActivation takes a plain epilogue");
  return host::activation(kind, x);
}

double mlpjit::relativeError(const HostTensor &out, const HostTensor &ref) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  if (out.shape != ref.shape || out.data.size() != ref.data.size())
    return inf;
  double diff = 0.0, norm = 0.0;
  for (size_t i = 0; i < out.data.size(); ++i) {
    if (!std::isfinite(out.data[i]) || !std::isfinite(ref.data[i]))
      return inf;
    double d = out.data[i] - ref.data[i];
    diff += d * d;
    norm += ref.data[i] * ref.data[i];
  }
  if (norm == 0.0)
    return diff == 0.0 ? 0.0 : inf;
  return std::sqrt(diff / norm);
}

namespace {

llvm::Error evalError(Operation *op, const llvm::Twine &msg) {
  std::string loc;
  llvm::raw_string_ostream os(loc);
  op->getLoc().print(os);
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 loc + ": " + msg);
}

/// y[M, N] = x[M, K] · w[N, K]ᵀ (+ b[N]).
llvm::Expected<HostTensor> linear(Operation *op, const HostTensor &x,
                                  const HostTensor &w, const HostTensor *b) {
  if (x.shape.size() != 2 || w.shape.size() != 2 || x.shape[1] != w.shape[1])
    return evalError(op, "linear: input and weight shapes do not match");
  int64_t m = x.shape[0], k = x.shape[1], n = w.shape[0];
  if (b && (b->shape.size() != 1 || b->shape[0] != n))
    return evalError(op, "linear: bias shape does not match the weight");
  HostTensor y({m, n});
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double acc = b ? b->data[j] : 0.0;
      const double *xr = &x.data[i * k], *wr = &w.data[j * k];
      for (int64_t p = 0; p < k; ++p)
        acc += xr[p] * wr[p];
      y.data[i * n + j] = acc;
    }
  return y;
}

/// Which row of the concatenation (or column of the split) holds row `r` of
/// the gate (isUp = false) or up half of `half` rows.
int64_t concatIndex(mlp::WeightLayout layout, int64_t blockRows, int64_t half,
                    bool isUp, int64_t r) {
  if (layout == mlp::WeightLayout::stacked)
    return isUp ? half + r : r;
  int64_t block = r / blockRows, within = r % blockRows;
  return block * 2 * blockRows + (isUp ? blockRows : 0) + within;
}

/// Columns of `wide` [M, 2N] back into gate and up [M, N].
std::pair<HostTensor, HostTensor> splitColumns(const HostTensor &wide,
                                               mlp::WeightLayout layout,
                                               int64_t blockRows) {
  int64_t m = wide.shape[0], n2 = wide.shape[1], n = n2 / 2;
  HostTensor gate({m, n}), up({m, n});
  for (int64_t i = 0; i < m; ++i)
    for (int64_t c = 0; c < n; ++c) {
      gate.data[i * n + c] =
          wide.data[i * n2 + concatIndex(layout, blockRows, n, false, c)];
      up.data[i * n + c] =
          wide.data[i * n2 + concatIndex(layout, blockRows, n, true, c)];
    }
  return {std::move(gate), std::move(up)};
}

bool validLayout(mlp::WeightLayout layout, int64_t blockRows, int64_t half) {
  return layout == mlp::WeightLayout::stacked ||
         (blockRows > 0 && half % blockRows == 0);
}

class Interpreter {
public:
  llvm::Error run(Operation *op) {
    if (auto l = dyn_cast<mlp::LinearOp>(op)) {
      auto y = linear(op, get(l.getInput()), get(l.getWeight()),
                      l.getBias() ? &get(l.getBias()) : nullptr);
      if (!y)
        return y.takeError();
      values[l.getResult()] = std::move(*y);
      return llvm::Error::success();
    }
    if (auto a = dyn_cast<mlp::ActivationOp>(op)) {
      HostTensor t = get(a.getInput());
      for (double &v : t.data)
        v = applyActivation(
            static_cast<Epilogue>(mlp::plainEpilogue(a.getKind())), v);
      values[a.getResult()] = std::move(t);
      return llvm::Error::success();
    }
    if (auto mul = dyn_cast<mlp::MulOp>(op)) {
      const HostTensor &l = get(mul.getLhs()), &r = get(mul.getRhs());
      if (l.shape != r.shape)
        return evalError(op, "mul: operand shapes differ");
      HostTensor t = l;
      for (size_t i = 0; i < t.data.size(); ++i)
        t.data[i] *= r.data[i];
      values[mul.getResult()] = std::move(t);
      return llvm::Error::success();
    }
    if (auto c = dyn_cast<mlp::ConcatWeightsOp>(op)) {
      const HostTensor &g = get(c.getGate()), &u = get(c.getUp());
      if (g.shape != u.shape || g.shape.empty())
        return evalError(op, "concat_weights: gate and up shapes differ");
      int64_t half = g.shape[0];
      if (!validLayout(c.getLayout(), c.getBlockRows(), half))
        return evalError(op, "concat_weights: block does not divide rows");
      int64_t row = half == 0 ? 0 : g.numElements() / half;
      std::vector<int64_t> shape = g.shape;
      shape[0] *= 2;
      HostTensor t(shape);
      for (int64_t r = 0; r < half; ++r)
        for (bool isUp : {false, true}) {
          int64_t dst =
              concatIndex(c.getLayout(), c.getBlockRows(), half, isUp, r);
          const HostTensor &src = isUp ? u : g;
          std::copy_n(&src.data[r * row], row, &t.data[dst * row]);
        }
      values[c.getResult()] = std::move(t);
      return llvm::Error::success();
    }
    if (auto s = dyn_cast<mlp::SplitOp>(op)) {
      const HostTensor &in = get(s.getInput());
      if (in.shape.size() != 2 || in.shape[1] % 2 != 0 ||
          !validLayout(s.getLayout(), s.getBlockRows(), in.shape[1] / 2))
        return evalError(op, "split: input is not [M, 2N] in its layout");
      auto [g, u] = splitColumns(in, s.getLayout(), s.getBlockRows());
      values[s.getGate()] = std::move(g);
      values[s.getUp()] = std::move(u);
      return llvm::Error::success();
    }
    if (auto f = dyn_cast<mlp::FusedLinearOp>(op)) {
      auto acc = linear(op, get(f.getInput()), get(f.getWeight()),
                        f.getBias() ? &get(f.getBias()) : nullptr);
      if (!acc)
        return acc.takeError();
      auto epilogue = static_cast<Epilogue>(f.getEpilogue());
      if (!f.isGated()) {
        for (double &v : acc->data)
          v = host::epilogue(epilogue, v, 0.0);
        values[f.getResult()] = std::move(*acc);
        return llvm::Error::success();
      }
      if (acc->shape[1] % 2 != 0 ||
          !validLayout(f.getLayout(), f.getBlockRows(), acc->shape[1] / 2))
        return evalError(op, "fused_linear: weight rows not in its layout");
      auto [g, u] = splitColumns(*acc, f.getLayout(), f.getBlockRows());
      for (size_t i = 0; i < g.data.size(); ++i)
        g.data[i] = host::epilogue(epilogue, g.data[i], u.data[i]);
      values[f.getResult()] = std::move(g);
      return llvm::Error::success();
    }
    return evalError(op, "the reference evaluator does not support '" +
                             op->getName().getStringRef() + "'");
  }

  const HostTensor &get(Value v) { return values.find(v)->second; }
  llvm::DenseMap<Value, HostTensor> values;
};

/// Whether `t` fits `type`: same rank, equal static dimensions.
bool fits(const HostTensor &t, Type type) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  if (!ranked || ranked.getRank() != static_cast<int64_t>(t.shape.size()) ||
      t.numElements() != static_cast<int64_t>(t.data.size()))
    return false;
  for (int64_t i = 0; i < ranked.getRank(); ++i)
    if (!ranked.isDynamicDim(i) && ranked.getDimSize(i) != t.shape[i])
      return false;
  return true;
}

} // namespace

/// Runs `func` on one argument list per rank, op by op in lockstep, so a
/// collective sees every rank's operand.
static llvm::Expected<std::vector<std::vector<HostTensor>>>
runRanks(func::FuncOp func,
         llvm::ArrayRef<llvm::ArrayRef<HostTensor>> rankArgs) {
  if (func.isExternal())
    return evalError(func, "cannot evaluate an external function");
  if (!func.getBody().hasOneBlock())
    return evalError(func, "expected a single block");
  const int64_t ranks = static_cast<int64_t>(rankArgs.size());
  std::vector<Interpreter> interps(ranks);
  for (int64_t r = 0; r < ranks; ++r) {
    if (rankArgs[r].size() != func.getNumArguments())
      return evalError(func, "expected " + llvm::Twine(func.getNumArguments()) +
                                 " arguments, got " +
                                 llvm::Twine(rankArgs[r].size()));
    for (auto [index, arg] : llvm::enumerate(func.getArguments())) {
      if (!fits(rankArgs[r][index], arg.getType()))
        return evalError(func, "argument " + llvm::Twine(index) +
                                   " does not fit its type");
      interps[r].values[arg] = rankArgs[r][index];
    }
  }
  for (Operation &op : func.getBody().front()) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      std::vector<std::vector<HostTensor>> results(ranks);
      for (int64_t r = 0; r < ranks; ++r)
        for (Value v : ret.getOperands())
          results[r].push_back(interps[r].get(v));
      return results;
    }
    if (isa<mlp::AllReduceOp, mlp::ReduceScatterOp>(op)) {
      int64_t group = op.getAttrOfType<IntegerAttr>("ranks").getInt();
      if (group != ranks)
        return evalError(&op, "collective over " + llvm::Twine(group) +
                                  " ranks evaluated with " +
                                  llvm::Twine(ranks) +
                                  " (use evaluateRanks for sharded functions)");
      HostTensor sum = interps[0].get(op.getOperand(0));
      for (int64_t r = 1; r < ranks; ++r) {
        const HostTensor &t = interps[r].get(op.getOperand(0));
        if (t.shape != sum.shape)
          return evalError(&op, "ranks hold different shapes");
        for (size_t i = 0; i < t.data.size(); ++i)
          sum.data[i] += t.data[i];
      }
      if (isa<mlp::AllReduceOp>(op)) {
        for (Interpreter &interp : interps)
          interp.values[op.getResult(0)] = sum;
        continue;
      }
      if (sum.shape.size() != 2 || sum.shape[0] % ranks != 0)
        return evalError(&op, "reduce_scatter: rows do not split into " +
                                  llvm::Twine(ranks) + " blocks");
      int64_t rows = sum.shape[0] / ranks, cols = sum.shape[1];
      for (int64_t r = 0; r < ranks; ++r) {
        HostTensor block({rows, cols});
        std::copy_n(&sum.data[r * rows * cols], rows * cols,
                    block.data.begin());
        interps[r].values[op.getResult(0)] = std::move(block);
      }
      continue;
    }
    for (Interpreter &interp : interps)
      if (llvm::Error e = interp.run(&op))
        return e;
  }
  return evalError(func, "function has no func.return");
}

llvm::Expected<std::vector<HostTensor>>
mlpjit::evaluate(func::FuncOp func, llvm::ArrayRef<HostTensor> args) {
  auto results = runRanks(func, {args});
  if (!results)
    return results.takeError();
  return std::move(results->front());
}

int64_t mlpjit::tensorParallelDegree(func::FuncOp func) {
  auto attr = func->getAttrOfType<IntegerAttr>("mlp.tensor_parallel");
  return attr ? attr.getInt() : 1;
}

llvm::Expected<std::vector<HostTensor>>
mlpjit::shardArguments(func::FuncOp func, llvm::ArrayRef<HostTensor> fullArgs,
                       int64_t rank) {
  const int64_t ranks = tensorParallelDegree(func);
  if (rank < 0 || rank >= ranks)
    return evalError(func, "rank " + llvm::Twine(rank) + " outside [0, " +
                               llvm::Twine(ranks) + ")");
  if (fullArgs.size() != func.getNumArguments())
    return evalError(func, "expected " + llvm::Twine(func.getNumArguments()) +
                               " arguments, got " +
                               llvm::Twine(fullArgs.size()));
  std::vector<HostTensor> out;
  for (auto [index, full] : llvm::enumerate(fullArgs)) {
    auto attr = func.getArgAttrOfType<StringAttr>(index, "mlp.shard");
    llvm::StringRef shard = attr ? attr.getValue() : "replicated";
    if (shard == "replicated") {
      out.push_back(full);
      continue;
    }
    if (shard == "first_rank") {
      out.push_back(rank == 0 ? full : HostTensor(full.shape));
      continue;
    }
    // rows: dimension 0; cols: the last dimension of a matrix.
    size_t dim = shard == "rows" ? 0 : 1;
    if ((shard != "rows" && shard != "cols") || full.shape.size() <= dim ||
        full.shape[dim] % ranks != 0)
      return evalError(func, "argument " + llvm::Twine(index) +
                                 " cannot be cut as '" + shard + "' " +
                                 llvm::Twine(ranks) + " ways");
    std::vector<int64_t> shape = full.shape;
    shape[dim] /= ranks;
    HostTensor slice(shape);
    int64_t outer = 1, inner = 1;
    for (size_t d = 0; d < dim; ++d)
      outer *= full.shape[d];
    for (size_t d = dim + 1; d < full.shape.size(); ++d)
      inner *= full.shape[d];
    // Copy [outer][shape[dim]][inner] from offset rank * shape[dim].
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t i = 0; i < shape[dim]; ++i)
        std::copy_n(
            &full.data[(o * full.shape[dim] + rank * shape[dim] + i) * inner],
            inner, &slice.data[(o * shape[dim] + i) * inner]);
    out.push_back(std::move(slice));
  }
  return out;
}

llvm::Expected<std::vector<std::vector<HostTensor>>>
mlpjit::evaluateRanks(func::FuncOp func, llvm::ArrayRef<HostTensor> fullArgs) {
  std::vector<std::vector<HostTensor>> rankArgs;
  for (int64_t r = 0, e = tensorParallelDegree(func); r < e; ++r) {
    auto args = shardArguments(func, fullArgs, r);
    if (!args)
      return args.takeError();
    rankArgs.push_back(std::move(*args));
  }
  return runRanks(func, llvm::SmallVector<llvm::ArrayRef<HostTensor>>(
                            rankArgs.begin(), rankArgs.end()));
}

llvm::Expected<std::vector<HostTensor>>
mlpjit::randomInputs(func::FuncOp func, int64_t m, uint64_t seed) {
  if (m < 0)
    return evalError(func, "negative token count");
  std::mt19937_64 rng(seed);
  std::vector<HostTensor> inputs;
  for (auto [index, arg] : llvm::enumerate(func.getArguments())) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    if (!type)
      return evalError(func, "argument " + llvm::Twine(index) +
                                 " is not a ranked tensor");
    std::vector<int64_t> shape;
    for (int64_t i = 0; i < type.getRank(); ++i)
      shape.push_back(type.isDynamicDim(i) ? m : type.getDimSize(i));
    llvm::StringRef role;
    if (auto r = func.getArgAttrOfType<StringAttr>(index, "mlp.role"))
      role = r.getValue();
    double bound = 1.0;
    if (role == "gate" || role == "up" || role == "down" || role == "gate_up")
      bound =
          1.0 /
          std::sqrt(static_cast<double>(std::max<int64_t>(1, shape.back())));
    else if (role.ends_with("bias"))
      bound = 0.5;
    std::uniform_real_distribution<double> dist(-bound, bound);
    HostTensor t(shape);
    for (double &v : t.data)
      v = dist(rng);
    inputs.push_back(std::move(t));
  }
  return inputs;
}
