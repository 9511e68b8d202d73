#!/usr/bin/perl
# Mail::DMARC (Debian's libmail-dmarc-perl), an independent RFC 7489 implementation, as a peer of
# maildmarc-differential.test.ts. Reads one JSON object on stdin:
#   { "server": "127.0.0.1", "port": 5353, "psl": "/path/to/public_suffix_list.dat",
#     "cases": [ { "id": "...", "from": "user@domain", "random": 0.42,
#                  "spf": [ { "domain": "...", "result": "pass", "scope": "mfrom" } ],
#                  "dkim": [ { "domain": "...", "result": "pass" } ] } ] }
# and prints one JSON object: Mail::DMARC's version and its verdict on each case, in order.
use strict;
use warnings;

# Mail::DMARC::PurePerl samples pct with int(rand(100)) (RFC 7489 §6.6.4). The test decides each
# case's random number, so PurePerl's rand() is replaced before PurePerl.pm is compiled (a sub
# imported into its package overrides the built-in there only; Net::DNS keeps the real rand() for
# its query ids): rand(N) is the case's number in [0, 1) times N, the draw our evaluator gets.
my $draw = 0;
BEGIN { *Mail::DMARC::PurePerl::rand = sub { return $draw * ( @_ ? $_[0] : 1 ) } }

use JSON::PP;
use Mail::DMARC::PurePerl;
use Net::DNS::Resolver;

my $input = JSON::PP->new->decode( do { local $/; <STDIN> } );

# Every DNS question goes to the test's authoritative server; nothing reads /etc/resolv.conf's
# search list, and a lost packet fails fast instead of stalling the run.
my $resolver = Net::DNS::Resolver->new(
    nameservers => [ $input->{server} ], port => $input->{port},
    recurse     => 0, dnsrch => 0, defnames => 0, retry => 2, retrans => 1,
    udp_timeout => 2, tcp_timeout => 2,
);

# Mail::DMARC reads mail-dmarc.ini; this one names the Public Suffix List to use and turns off
# the aggregate report store, which would need a database.
my $config = {
    dns          => { timeout => 2, public_suffix_list => $input->{psl} },
    report_store => { auto_save => 0 },
    smtp         => {},
};

my @verdicts = map { verdict($_) } @{ $input->{cases} };
print JSON::PP->new->canonical->encode( { version => $Mail::DMARC::VERSION, verdicts => \@verdicts } ), "\n";

sub verdict {
    my ($case) = @_;
    $draw = $case->{random} // 0;
    my $dmarc = Mail::DMARC::PurePerl->new;
    $dmarc->{config} = $config;
    $dmarc->set_resolver($resolver);
    my $out = { id => $case->{id} };
    my $ok = eval {
        $dmarc->header_from_raw( $case->{from} );
        $dmarc->spf( [ map { {%$_} } @{ $case->{spf} } ] ) if @{ $case->{spf} };
        $dmarc->dkim( [ map { {%$_} } @{ $case->{dkim} } ] );
        my $result = $dmarc->validate;
        $out->{result}      = $result->result;
        $out->{disposition} = $result->disposition;
        $out->{spf}         = $result->spf;
        $out->{dkim}        = $result->dkim;
        $out->{reason}      = join '; ', map { join ' ', grep {defined} $_->type, $_->comment } @{ $result->reason || [] };
        my $policy = eval { $result->published };
        if ($policy) {
            $out->{policyDomain} = $policy->domain;
            $out->{p}            = $policy->p;
            $out->{sp}           = $policy->sp if defined $policy->sp;
            $out->{pct}          = $policy->pct if defined $policy->pct;
        }
        $out->{organizationalDomain} = $dmarc->get_organizational_domain if $dmarc->header_from;
        1;
    };
    $out->{error} = "$@" =~ s/\s+at \S+ line \d+.*//sr unless $ok;
    return $out;
}
