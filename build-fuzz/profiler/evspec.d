build-fuzz/profiler/evspec.o: profiler/evspec.c profiler/evspec.h

profiler/evspec.h:
