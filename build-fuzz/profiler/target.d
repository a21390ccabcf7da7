build-fuzz/profiler/target.o: profiler/target.c profiler/target.h \
  common/util.h

profiler/target.h:

common/util.h:
