// rust_v0.rs: Rust code whose v0 symbol names exercise the demangler: generics, closures,
// trait impls, dyn traits with associated types, slices, arrays, tuples, references, raw
// pointers, fn pointers, const generics and a non-ASCII identifier (punycode).
use std::collections::HashMap;
use std::fmt::Debug;

pub trait Shape {
    fn area(&self) -> f64;
}

pub struct Square<const N: usize>([f64; N]);

impl<const N: usize> Shape for Square<N> {
    #[inline(never)]
    fn area(&self) -> f64 {
        self.0.iter().sum::<f64>() * N as f64
    }
}

pub struct Wrapper<T>(T);

impl<T: Debug + Clone> Wrapper<T> {
    #[inline(never)]
    pub fn show(&self, extra: &[T], pair: (u8, &str)) -> String {
        format!("{:?} {:?} {:?}", self.0, extra.to_vec(), pair)
    }
}

#[inline(never)]
pub fn apply<F: Fn(i64) -> i64>(f: F, x: i64) -> i64 {
    f(x)
}

#[inline(never)]
pub fn call_dyn(it: &mut dyn Iterator<Item = u32>) -> u32 {
    it.sum()
}

#[inline(never)]
pub fn raw(p: *const u16, q: *mut i128, f: fn(bool) -> char) -> usize {
    (p as usize) ^ (q as usize) ^ (f(true) as usize)
}

#[inline(never)]
pub fn größe(n: u32) -> u32 {
    n.wrapping_mul(3)
}

#[inline(never)]
pub fn with_const<const B: bool, const C: char, const I: i32>() -> i64 {
    if B { C as i64 + I as i64 } else { -1 }
}

fn main() {
    let s = Square::<3>([1.0, 2.0, 3.0]);
    let shapes: Vec<Box<dyn Shape>> = vec![Box::new(s), Box::new(Square::<2>([0.5, 0.5]))];
    let total: f64 = shapes.iter().map(|b| b.area()).sum();
    let w = Wrapper(vec![1u8, 2]);
    let text = w.show(&[vec![3u8]], (7, "x"));
    let k = 5;
    let r = apply(|v| v * k + 1, 4) + apply(move |v| v - k, 9);
    let mut it = (0u32..10).filter(|x| x % 2 == 0);
    let d = call_dyn(&mut it);
    let mut m: HashMap<String, Vec<(i8, u64)>> = HashMap::new();
    m.entry(text.clone()).or_default().push((-1, 2));
    let x = raw(std::ptr::null(), std::ptr::null_mut(), |b| if b { 'y' } else { 'n' });
    let g = größe(d) as i64 + with_const::<true, 'ß', -7>() + with_const::<false, 'a', 3>();
    println!("{} {} {} {} {} {} {}", total, text.len(), r, d, m.len(), x & 1, g);
}
