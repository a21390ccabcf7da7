build-fuzz/symbolize/demangle.o: symbolize/demangle.c \
  symbolize/demangle.h common/util.h

symbolize/demangle.h:

common/util.h:
