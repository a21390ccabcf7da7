build-fuzz/profiler/buildids.o: profiler/buildids.c profiler/buildids.h \
  profiler/synth.h common/util.h

profiler/buildids.h:

profiler/synth.h:

common/util.h:
