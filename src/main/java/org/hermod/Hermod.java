package org.hermod; public class Hermod { public static void main(String[] a){} }
