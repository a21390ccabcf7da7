build-fuzz/symbolize/kallsyms.o: symbolize/kallsyms.c \
  symbolize/kallsyms.h common/arena.h common/util.h

symbolize/kallsyms.h:

common/arena.h:

common/util.h:
