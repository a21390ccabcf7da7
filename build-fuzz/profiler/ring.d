build-fuzz/profiler/ring.o: profiler/ring.c profiler/ring.h common/util.h

profiler/ring.h:

common/util.h:
