#!/usr/bin/perl
# Perl's Mail::DKIM (Debian's libmail-dkim-perl) as a peer verifier for
# test/maildkim-differential.test.ts.
#
# Reads from stdin one JSON request holding every case, so that the whole corpus costs one process:
#
#     {"cases": [{"message": base64, "now": seconds since the epoch,
#                 "keys": {"<selector>._domainkey.<domain>": {"txt": [[string, ...], ...]} | {"error": code}}}, ...]}
#
# and writes, for each case, one verdict per DKIM-Signature field, topmost first:
#
#     [[{"result": "pass"|"fail"|"invalid"|"temperror"|"none", "detail": string}, ...], ...]
#
# DNS answers come from the case, made by the test from the zone our verifier uses: the query
# function of Mail::DKIM::DNS is replaced by one that answers as it does (the TXT records, or an
# empty list with the rcode in $@ for NXDOMAIN and NODATA, or dies as on a timeout), so no real DNS
# is asked. Mail::DKIM reads the clock only in Mail::DKIM::Signature::check_expiration, through the
# builtin time(); a sub of that name imported into its package before it is compiled stands in for
# it with the case's time. Strict => 1 is its RFC 8301 mode, as in the committed fixtures.
use strict;
use warnings;
use JSON::PP;
use MIME::Base64 qw(decode_base64);

our $NOW = 0;
my %KEYS;

BEGIN {
    no strict 'refs';
    # Assigned from this package, so Perl takes it as an import and lets it override the builtin.
    *{'Mail::DKIM::Signature::time'} = sub () { $main::NOW };
}

use Mail::DKIM::DNS;
use Mail::DKIM::Verifier;
use Net::DNS;

{
    no warnings 'redefine';
    *Mail::DKIM::DNS::query = \&query;
}

# Mail::DKIM::DNS::query's contract: the answer's records of the type asked, or an empty list with
# $@ holding NXDOMAIN or NODATA; a lookup that cannot complete dies.
sub query {
    my ( $name, $type ) = @_;
    my $answer = $KEYS{ lc( $name =~ s/\.\z//r ) };
    if ( !$answer ) {
        $@ = 'NXDOMAIN';
        return;
    }
    if ( exists $answer->{error} ) {
        die "query timed out\n" if $answer->{error} eq 'TEMPFAIL';
        $@ = $answer->{error} eq 'NODATA' ? 'NODATA' : 'NXDOMAIN';
        return;
    }
    $@ = 'NOERROR';
    return map { Net::DNS::RR->new( owner => $name, type => 'TXT', ttl => 300, txtdata => $_ ) } @{ $answer->{txt} };
}

# One verdict per DKIM-Signature field Mail::DKIM could parse, in the order they appear.
sub verify {
    my ($bytes) = @_;
    my $verifier = Mail::DKIM::Verifier->new( Strict => 1 );
    $verifier->PRINT($bytes);
    $verifier->CLOSE;
    my @signatures = grep { !$_->isa('Mail::DKIM::DkSignature') } $verifier->signatures;
    return [ { result => $verifier->result, detail => $verifier->result_detail } ] unless @signatures;
    return [ map { { result => $_->result, detail => $_->result_detail } } @signatures ];
}

sub main {
    my $request = decode_json( do { local $/; <STDIN> } );
    my @results;
    for my $case ( @{ $request->{cases} } ) {
        $NOW  = $case->{now};
        %KEYS = %{ $case->{keys} };
        push @results, verify( decode_base64( $case->{message} ) );
    }
    binmode STDOUT;
    print JSON::PP->new->canonical->encode( \@results );
}

main();
