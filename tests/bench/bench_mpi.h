// bench_mpi.h - the MPI pool's row of `make bench` (bench_mpi.cpp).
#pragma once
#include <string>

namespace wi {

// The sweep pool's throughput on synthetic CPU-bound runs: 1 process x 2 threads against
// 2 MPI ranks x 1 thread (mpirun), by the MPI build's pool_check (root/build-mpi/pool_check),
// in turns, the median of reps each. Prints "... not measured (why)" without mpirun or it.
void mpi_pool_bench(const std::string& root, int reps);

}  // namespace wi
